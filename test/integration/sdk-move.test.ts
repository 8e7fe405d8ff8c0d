/**
 * The SDK in Node obeys a draining gateway's MOVING close (decision 023): two
 * gateways on one store behind a TCP relay that sends each new connection to
 * the first gateway whose /readyz answers 200 (as a load balancer would). When
 * gateway A drains, the SDK client is closed with MOVING, reconnects after the
 * short delay the close names (not its backoff, set to a minute here) through
 * the same URL, lands on gateway B and resumes the same ticket.
 */
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { memoryStorage, WaitroomClient } from '../../client/sdk/index.js';
import { generateKeys } from '../../server/config/keys.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { tcpRelay } from '../support/tcp-relay.js';
import { TRANSPORTS_HERE } from '../support/transports.js';
import { upgradeStatus } from '../support/ws-client.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const portOf = (system: TestSystem): number => Number(new URL(system.gatewayUrl!).port);

it.each(TRANSPORTS_HERE)('%s: reconnects after the announced delay, through the same URL, to another gateway and resumes its ticket', async (transport) => {
  const keys = generateKeys('test');
  const a = await startTestSystem({ events: [testEvent()], keys, transport });
  cleanups.push(() => a.stop());
  const b = await startTestSystem({ events: [testEvent()], keys, stores: a.stores, transport });
  cleanups.push(() => b.stop());
  await a.stores.queue.setPaused('ev', true);
  const gateways = [a, b];
  const balancer = await tcpRelay(async () => {
    for (const system of gateways) if ((await fetch(`${system.gatewayUrl}/readyz`)).status === 200) return portOf(system);
    throw new Error('no gateway ready');
  });
  cleanups.push(() => balancer.close());

  const sdk = new WaitroomClient({
    eventId: 'ev',
    gateway: `http://127.0.0.1:${balancer.port}`,
    storage: memoryStorage(),
    WebSocket,
    reconnect: { baseMs: 60_000, maxMs: 60_000 },
  });
  cleanups.push(() => sdk.stop());
  const tickets: { ticketNo: number; resumed: boolean; at: number }[] = [];
  const states: { state: string; at: number }[] = [];
  sdk.on('ticket', (t) => tickets.push({ ...t, at: Date.now() }));
  sdk.on('state', (s) => states.push({ state: s.state, at: Date.now() }));
  sdk.start();
  await expect.poll(() => tickets.length, { timeout: 10_000 }).toBe(1);
  expect(a.gateway!.context.connections()).toBe(1);

  const drainedAt = Date.now();
  const draining = a.gateway!.drain(500);
  await draining;
  await expect.poll(() => tickets.length, { timeout: 5000 }).toBe(2);
  const resumedAfterMs = tickets[1]!.at - drainedAt;
  console.log(`SDK moved: resumed on the other gateway ${resumedAfterMs} ms after the drain began (backoff would wait up to 60 s)`);
  expect(tickets[1]).toMatchObject({ ticketNo: tickets[0]!.ticketNo, resumed: true });
  expect(resumedAfterMs).toBeLessThan(2000);
  expect(states.some((s) => s.state === 'reconnecting' && s.at >= drainedAt)).toBe(true);
  expect(a.gateway!.context.connections()).toBe(0);
  expect(b.gateway!.context.connections()).toBe(1);
  // A new upgrade to the drained node is refused with 503, so a load balancer goes elsewhere.
  expect(await upgradeStatus(a.wsUrl)).toBe(503);
  expect((await fetch(`${a.gatewayUrl}/readyz`)).status).toBe(503);
  expect((await fetch(`${a.gatewayUrl}/livez`)).status).toBe(200);
});
