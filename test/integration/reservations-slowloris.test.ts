/**
 * Slow senders at the reservation handler (issue 13 §6): 45 raw sockets that
 * trickle a request header are answered 408 and closed within the configured
 * header timeout, those that never read their answer too; connections past the cap are closed as soon as they are
 * accepted; a booking made during the attack still books.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bookingBody, postBooking } from '../support/booking.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const HEADERS_TIMEOUT_MS = 3000;
const MAX_CONNECTIONS = 50;
const SLOW_SENDERS = 45;
const EXTRA = 10;

interface Watched {
  socket: Socket;
  reads: boolean;
  connectedAt: number;
  closed: Promise<{ at: number; answer: string }>;
}

/** A raw TCP connection to the handler whose close (and what it was told, if it `reads`) is recorded. */
function open(port: number, reads = true): Promise<Watched> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    // One that does not read never sees the server's FIN: only the server closing the socket for good ends it.
    if (reads) socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    const closed = new Promise<{ at: number; answer: string }>((settle) => socket.once('close', () => settle({ at: Date.now(), answer })));
    socket.on('error', () => {}); // a reset is a close too
    socket.once('connect', () => resolve({ socket, reads, connectedAt: Date.now(), closed }));
    socket.once('error', reject);
  });
}

/** Sends the start of a request, then one header byte every 200 ms, never finishing the header. */
function trickle(watched: Watched): void {
  watched.socket.write('POST /api/events/ev/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
  const timer = setInterval(() => (watched.socket.writable ? watched.socket.write('a') : clearInterval(timer)), 200);
  void watched.closed.then(() => clearInterval(timer));
}

let system: TestSystem;
let booker: TestClient;
const sockets: Socket[] = [];

beforeAll(async () => {
  system = await startTestSystem({
    events: [testEvent({ maxActive: 5 })],
    config: { reservations: { port: 0, headersTimeoutMs: HEADERS_TIMEOUT_MS, maxConnections: MAX_CONNECTIONS } },
  });
  booker = await TestClient.connect(system.wsUrl);
  await booker.join('ev');
  await booker.waitFor('admitted');
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await booker.close();
  await system.stop();
});

function openConnections(): Promise<number> {
  return new Promise((resolve, reject) => system.reservations!.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

it('closes slow senders within the header timeout, refuses connections past the cap at once, and still books during the attack', async () => {
  const port = Number(new URL(system.reservationsUrl).port);
  // Every third never reads what it is told, so it never closes its side either.
  const slow = await Promise.all(Array.from({ length: SLOW_SENDERS }, (_, index) => open(port, index % 3 !== 0)));
  sockets.push(...slow.map((watched) => watched.socket));
  slow.forEach(trickle);

  // A booking made while the slow senders hold their connections.
  const reply = await postBooking(system.reservationsUrl, 'ev', bookingBody(booker.grant!.grant, booker.secret));
  expect(reply.status).toBe(201);

  // Past the cap: accepted by the kernel, closed by the handler at once, never answered.
  const free = MAX_CONNECTIONS - (await openConnections());
  expect(free).toBeGreaterThanOrEqual(0);
  expect(free).toBeLessThan(EXTRA);
  const extra = await Promise.all(Array.from({ length: EXTRA }, () => open(port)));
  sockets.push(...extra.map((watched) => watched.socket));
  const quickly = await Promise.all(
    extra.map((watched) => Promise.race([watched.closed.then(({ at }) => at - watched.connectedAt), delay(1000).then(() => null)])),
  );
  expect(quickly.filter((ms) => ms !== null)).toHaveLength(EXTRA - free);
  expect(await openConnections()).toBeLessThanOrEqual(MAX_CONNECTIONS);
  // Slow senders are still open at this point: the cap, not the timeout, closed those.
  expect(slow.filter((watched) => watched.socket.destroyed)).toHaveLength(0);

  // Every slow sender is told 408 REQUEST_TIMEOUT and closed, within the header timeout (plus Node's check interval,
  // the second a client has to read the answer, and a loaded machine's slack), whether it reads or not.
  const closes = await Promise.all(slow.map((watched) => Promise.race([watched.closed, delay(HEADERS_TIMEOUT_MS + 5000).then(() => null)])));
  for (const [index, close] of closes.entries()) {
    expect(close, `slow sender ${index} still open ${HEADERS_TIMEOUT_MS + 5000} ms after connecting`).not.toBeNull();
    const heldMs = close!.at - slow[index]!.connectedAt;
    expect(heldMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(heldMs).toBeLessThan(HEADERS_TIMEOUT_MS + 4000);
    if (!slow[index]!.reads) continue;
    expect(close!.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(close!.answer.split('\r\n\r\n')[1]!)).toMatchObject({ error: { code: 'REQUEST_TIMEOUT' } });
  }
  // Connections that never sent a byte go the same way.
  const accepted = extra.filter((_, index) => quickly[index] === null);
  for (const watched of accepted) expect((await watched.closed).at - watched.connectedAt).toBeLessThan(HEADERS_TIMEOUT_MS + 4000);
  // The handler holds none of them any more (the booking's keep-alive connection at most).
  expect(await openConnections()).toBeLessThanOrEqual(1);
}, 30_000);

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
