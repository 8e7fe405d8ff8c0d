/**
 * The SDK in Node against a real gateway (real sockets, the `ws` package):
 * join, keep the place over a dropped connection and over a restart of the
 * client (same storage), get admitted, book with the handed-over grant.
 * The drop is real: a TCP relay between client and gateway cuts every socket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { book, memoryStorage, WaitroomClient, type KeyValueStorage, type WaitroomEvents } from '../../client/sdk/index.js';
import { fileStorage } from '../../client/sdk/node-storage.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { tcpRelay } from '../support/tcp-relay.js';
import { TestClient } from '../support/ws-client.js';

/** The next `name` event matching `test`, or a rejection naming what did not come. */
function next<K extends keyof WaitroomEvents>(
  client: WaitroomClient,
  name: K,
  test: (payload: WaitroomEvents[K]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<WaitroomEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no ${String(name)} event within ${timeoutMs} ms`))), timeoutMs);
    const off = client.on(name, (payload) => {
      if (!test(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function system(): Promise<TestSystem> {
  const started = await startTestSystem({ events: [testEvent({ maxActive: 10 })] });
  cleanups.push(() => started.stop());
  await started.stores.queue.setPaused('ev', true);
  return started;
}

function client(gateway: string, storage: KeyValueStorage): WaitroomClient {
  const created = new WaitroomClient({ eventId: 'ev', gateway, storage, WebSocket, reconnect: { baseMs: 300, maxMs: 1_000 } });
  cleanups.push(() => created.stop());
  return created;
}

it('joins, keeps its ticket over a dropped connection and a client restart, is admitted and books', async () => {
  const sys = await system();
  const ahead = await Promise.all([TestClient.connect(sys.wsUrl), TestClient.connect(sys.wsUrl)]);
  cleanups.push(() => Promise.all(ahead.map((c) => c.close())));
  for (const c of ahead) await c.join('ev');
  const network = await tcpRelay(Number(new URL(sys.gatewayUrl!).port));
  cleanups.push(() => network.close());
  const storage = memoryStorage();
  const gateway = `http://127.0.0.1:${network.port}`;

  const sdk = client(gateway, storage);
  const ticket = next(sdk, 'ticket');
  const position = next(sdk, 'position');
  const paused = next(sdk, 'state', (s) => s.state === 'paused');
  sdk.start();
  expect(await ticket).toEqual({ ticketNo: 3, resumed: false });
  expect(await position).toMatchObject({ ticketNo: 3, peopleAhead: 2, place: 3, joinedAhead: 2, progress: 0 });
  await paused;
  const token = sdk.stored()!.ticket;

  const reconnecting = next(sdk, 'state', (s) => s.state === 'reconnecting');
  const resumed = next(sdk, 'ticket');
  network.cut();
  await reconnecting;
  expect(await resumed).toEqual({ ticketNo: 3, resumed: true });
  expect(sdk.stored()!.ticket).toBe(token);

  // A new client on the same storage (a page refresh, a restarted script) takes the same place back.
  sdk.stop();
  const again = client(gateway, storage);
  const resumedAgain = next(again, 'ticket');
  const admitted = next(again, 'admitted');
  again.start();
  expect(await resumedAgain).toEqual({ ticketNo: 3, resumed: true });
  await sys.stores.queue.setPaused('ev', false);
  const grant = await admitted;
  expect(grant).toMatchObject({ ticketNo: 3, bookingUrl: `${sys.reservationsUrl}/api/events/ev/bookings` });
  expect(grant.expiresAt).toBeGreaterThan(Date.now());

  const handoff = again.handoff();
  expect(handoff).toMatchObject({ eventId: 'ev', ticketNo: 3, grant: grant.grant, bookingUrl: grant.bookingUrl });
  expect(handoff!.secret).toBe(JSON.parse(storage.getItem('waitroom:ev')!).secret);
  const result = await book(handoff!, { person: { name: 'Kim Min', birthDate: '1970-01-02' }, centerId: 'c1', slotId: 's1' });
  expect(result).toMatchObject({ ok: true, repeated: false, booking: { ticketNo: 3, centerId: 'c1', slotId: 's1' } });
  expect(await sys.stores.bookings.bookingCount('ev')).toBe(1);
  // The same request again (an answer lost on the way) gets the same booking back.
  const repeat = await book(handoff!, { person: { name: 'Kim Min', birthDate: '1970-01-02' }, centerId: 'c1', slotId: 's1' });
  expect(repeat.ok && repeat.repeated && result.ok && repeat.booking.reference === result.booking.reference).toBe(true);
});

it('a booked place cannot be resumed: TICKET_USED stops the client; a file storage keeps the place across processes', async () => {
  const sys = await system();
  await sys.stores.queue.setPaused('ev', false);
  const dir = await mkdtemp(join(tmpdir(), 'waitroom-sdk-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'state.json');

  const first = client(sys.gatewayUrl!, fileStorage(file));
  const admitted = next(first, 'admitted');
  first.start();
  await admitted;
  const handoff = first.handoff()!;
  expect((await book(handoff, { person: { name: 'Lee Ana', birthDate: '1971-03-04' }, centerId: 'c1', slotId: 's1' })).ok).toBe(true);

  // Only what the file holds carries over: the grant is dropped so the next start resumes and hears the verdict.
  const storage = fileStorage(file);
  const entry = JSON.parse(storage.getItem('waitroom:ev')!);
  storage.setItem('waitroom:ev', JSON.stringify({ ...entry, grant: undefined, grantExpiresAt: undefined }));
  const second = client(sys.gatewayUrl!, fileStorage(file));
  const stopped = next(second, 'error');
  second.start();
  expect(await stopped).toMatchObject({ code: 'TICKET_USED', outcome: 'stopped' });
  expect(second.stored()?.ticketNo).toBe(handoff.ticketNo);
});

it('refuses bad options with a stable code', () => {
  expect(() => new WaitroomClient({ eventId: 'Not An Id', gateway: 'http://127.0.0.1:1', WebSocket })).toThrow(
    expect.objectContaining({ code: 'WAITROOM_INVALID_OPTIONS' }),
  );
  expect(() => new WaitroomClient({ eventId: 'ev', gateway: 'ftp://x', WebSocket })).toThrow(expect.objectContaining({ code: 'WAITROOM_INVALID_OPTIONS' }));
  expect(() => new WaitroomClient({ eventId: 'ev', WebSocket })).toThrow(/gateway is required/);
});
