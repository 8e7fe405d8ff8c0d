/**
 * The Node SDK on an event that asks for proof of work, against a real
 * gateway: it solves the challenge in-process and joins; a second client on
 * the same storage (a second tab) resumes that ticket; a client that shares
 * only the device key (another profile with a copied key) is told
 * DEVICE_HAS_PLACE and takes no place.
 */
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEVICE_STORAGE_KEY } from '../../client/sdk/device.js';
import { memoryStorage, WaitroomClient, type KeyValueStorage, type WaitroomError } from '../../client/sdk/index.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';

const DIFFICULTY = 10;
const READER_NODE = 99;

let system: TestSystem;
const clients: WaitroomClient[] = [];

afterEach(async () => {
  clients.splice(0).forEach((client) => client.stop());
  await system?.stop();
});

function start(storage: KeyValueStorage): { client: WaitroomClient; errors: WaitroomError[]; ticket: Promise<{ ticketNo: number; resumed: boolean }> } {
  const client = new WaitroomClient({ eventId: 'ev', gateway: system.wsUrl, WebSocket: WebSocket as never, storage });
  clients.push(client);
  const errors: WaitroomError[] = [];
  client.on('error', (error) => errors.push(error));
  const ticket = new Promise<{ ticketNo: number; resumed: boolean }>((resolve) => client.on('ticket', resolve));
  client.start();
  return { client, errors, ticket };
}

async function issued(): Promise<number> {
  return (await system.stores.queue.figures('ev', Date.now(), READER_NODE)).issued;
}

it('solves the challenge in-process and joins; the same storage resumes; a copied device key alone is refused with DEVICE_HAS_PLACE', async () => {
  system = await startTestSystem({ events: [testEvent({ proofOfWork: { difficulty: DIFFICULTY, challengeTtlSeconds: 60 } })] });
  await system.stores.queue.setPaused('ev', true);
  const storage = memoryStorage();
  const first = start(storage);
  expect(await first.ticket).toEqual({ ticketNo: 1, resumed: false });
  expect(first.errors.map((e) => [e.code, e.outcome])).toEqual([['POW_REQUIRED', 'solving']]);

  const secondTab = start(storage);
  expect(await secondTab.ticket).toEqual({ ticketNo: 1, resumed: true });

  const otherProfile = memoryStorage();
  const { key } = JSON.parse(storage.getItem(DEVICE_STORAGE_KEY)!) as { key: string };
  otherProfile.setItem(DEVICE_STORAGE_KEY, JSON.stringify({ key, joining: {} }));
  const copied = start(otherProfile);
  await expect.poll(() => copied.errors.at(-1)?.code, { timeout: 10_000 }).toBe('DEVICE_HAS_PLACE');
  expect(copied.errors.at(-1)?.outcome).toBe('stopped');
  expect(copied.client.stored()).toBeNull();
  expect(await issued()).toBe(1);
});
