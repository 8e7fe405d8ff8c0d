/**
 * A connection that stops carrying data without closing (issue 13 §5).
 *
 * - The gateway drops a peer that completed the upgrade, then stopped reading
 *   and answering pings, within its idle timeout (both transports); the ticket
 *   is away, not gone: a resume within the grace keeps the place.
 * - The SDK (Node, `ws`) behind a proxy that goes silent says 'reconnecting'
 *   within its liveness bound (client/sdk/liveness.ts), and gets the turn that
 *   came meanwhile from another gateway over real Redis once the network is back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { memoryStorage, WaitroomClient, type WaitroomState } from '../../client/sdk/index.js';
import { checkEveryMs, deadAfterMs } from '../../client/sdk/liveness.js';
import { generateKeys } from '../../server/config/keys.js';
import { decodeServerMessage, encode } from '../../shared/protocol/index.js';
import type { ServerMessage } from '../../shared/protocol/messages.js';
import { possessionKey } from '../../shared/tokens/possession.js';
import { hashSecret, newClientSecret } from '../../shared/tokens/secret.js';
import { clientFrame, rawUpgrade } from '../support/raw-websocket.js';
import { startStallProxy, type StallProxy } from '../support/stall-proxy.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { TRANSPORTS_HERE } from '../support/transports.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The server's frames in `stream` (unmasked, unfragmented, as the gateway sends them), decoded. */
function serverMessages(stream: Buffer): ServerMessage[] {
  const messages: ServerMessage[] = [];
  let at = 0;
  while (at + 2 <= stream.length) {
    const opcode = stream[at]! & 0x0f;
    let length = stream[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) [length, start] = [stream.readUInt16BE(at + 2), at + 4];
    else if (length === 127) [length, start] = [Number(stream.readBigUInt64BE(at + 2)), at + 10];
    if (start + length > stream.length) break;
    if (opcode === 0x2) {
      const decoded = decodeServerMessage(stream.subarray(start, start + length));
      if (decoded.ok) messages.push(decoded.message);
    }
    at = start + length;
  }
  return messages;
}

const IDLE_SECONDS = 8;

describe.each(TRANSPORTS_HERE)('%s transport', (transport) => {
  it('drops a peer that stopped reading and answering pings within the idle timeout; its ticket resumes within the grace', async () => {
    const system = await startTestSystem({ transport, gateway: { idleTimeoutSeconds: IDLE_SECONDS }, events: [testEvent({ graceSeconds: 60 })] });
    cleanups.push(() => system.stop());
    await system.stores.queue.setPaused('ev', true);
    const first = await TestClient.connect(system.wsUrl);
    cleanups.push(() => first.close());
    await first.join('ev');

    const answer = await rawUpgrade(system.wsUrl);
    expect(answer.status).toBe(101);
    const { socket } = answer;
    let received = answer.rest;
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    const secret = newClientSecret();
    socket.write(clientFrame(encode({ type: 'join', rid: 1, eventId: 'ev', secretHash: await hashSecret(secret), pk: await possessionKey(secret) })));
    await expect.poll(() => serverMessages(received).find((m) => m.type === 'ticket'), { timeout: 5_000 }).toBeTruthy();
    const ticket = serverMessages(received).find((m) => m.type === 'ticket') as Extract<ServerMessage, { type: 'ticket' }>;
    expect(ticket.ticketNo).toBe(2);

    // From now on it reads nothing and answers nothing, and never closes.
    socket.pause();
    const silentSince = Date.now();
    let closedAt = 0;
    socket.once('close', () => (closedAt = Date.now()));
    // A closed socket is seen only when read: look every 250 ms by reading what is there.
    const looking = setInterval(() => (socket.resume(), setTimeout(() => socket.pause(), 20)), 250);
    cleanups.push(() => (clearInterval(looking), socket.destroy()));
    // uWS checks its timeouts every 4 s; `ws` sweeps every quarter of the timeout.
    const boundMs = IDLE_SECONDS * 1000 + 4_000 + 1_000;
    await expect.poll(() => closedAt, { timeout: boundMs, interval: 100 }).toBeGreaterThan(0);
    const silentMs = closedAt - silentSince;
    console.log(`${transport}: silent peer closed by the gateway after ${silentMs} ms (idle timeout ${IDLE_SECONDS} s)`);
    expect(silentMs).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000 - 1_000);

    // Away, not gone: the same ticket resumes its place (one ahead) within the grace.
    const back = await TestClient.connect(system.wsUrl, secret);
    cleanups.push(() => back.close());
    const resumed = await back.resume(ticket.ticket);
    expect(resumed).toMatchObject({ resumed: true, ticketNo: 2 });
    await expect.poll(() => back.aheadSeen.at(-1), { timeout: 5_000 }).toBe(1);
  }, 30_000);
});

describe('the SDK over a network that goes silent', () => {
  it('says reconnecting within its bound and gets the turn that came meanwhile, from another gateway over Redis', async () => {
    const redis = storeFactories.find((factory) => factory.name === 'redis')!;
    const stores = await redis.create();
    cleanups.push(() => stores.close());
    const keys = generateKeys('test');
    const events = [testEvent({ grantTtlSeconds: 120 })];
    const gatewayA = await startTestSystem({ stores, keys, events });
    cleanups.push(() => gatewayA.stop());
    const gatewayB = await startTestSystem({ stores, keys, events });
    cleanups.push(() => gatewayB.stop());
    await stores.queue.setPaused('ev', true);

    const proxy: StallProxy = await startStallProxy(Number(new URL(gatewayA.gatewayUrl!).port));
    cleanups.push(() => proxy.close());
    const client = new WaitroomClient({
      eventId: 'ev',
      gateway: `http://127.0.0.1:${proxy.port}`,
      storage: memoryStorage(),
      WebSocket,
      reconnect: { baseMs: 300, maxMs: 1_000 },
    });
    cleanups.push(() => client.stop());
    const states: { state: WaitroomState; at: number }[] = [];
    client.on('state', ({ state }) => states.push({ state, at: Date.now() }));
    let admittedAt = 0;
    client.on('admitted', () => (admittedAt = Date.now()));
    const ticket = new Promise<{ ticketNo: number }>((resolve) => client.on('ticket', resolve));
    client.start();
    expect((await ticket).ticketNo).toBe(1);
    await expect.poll(() => states.at(-1)?.state, { timeout: 5_000 }).toBe('paused');

    proxy.stall();
    const stalledAt = Date.now();
    // The turn comes while the connection is dead: gateway A sends `admitted` into the silent socket.
    await stores.queue.setPaused('ev', false);
    await expect.poll(async () => (await stores.queue.admissionStatus('ev', [1], Date.now()))[0]?.kind, { timeout: 5_000 }).toBe('admitted');

    const boundMs = deadAfterMs(gatewayA.config.gateway.tickMs) + checkEveryMs(gatewayA.config.gateway.tickMs);
    await expect.poll(() => states.find((s) => s.at >= stalledAt && s.state === 'reconnecting'), { timeout: boundMs + 1_000, interval: 50 }).toBeTruthy();
    const noticedMs = states.find((s) => s.at >= stalledAt && s.state === 'reconnecting')!.at - stalledAt;
    console.log(`SDK noticed the silent network after ${noticedMs} ms (bound ${boundMs} ms)`);
    expect(noticedMs).toBeLessThanOrEqual(boundMs + 200);
    expect(admittedAt).toBe(0);

    // Still down a while (its retries go silent too), then back, now routed to gateway B.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(admittedAt).toBe(0);
    proxy.target = Number(new URL(gatewayB.gatewayUrl!).port);
    proxy.resume();
    await expect.poll(() => admittedAt, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(client.handoff()).toMatchObject({ ticketNo: 1 });
    console.log(`admitted ${admittedAt - stalledAt} ms after the network went silent`);
  }, 60_000);
});
