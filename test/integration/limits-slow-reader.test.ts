/**
 * A slow reader: a hand-made WebSocket client that joins, then stops reading.
 * Its unsent buffer stays bounded (ticks to it are skipped once it is
 * maxBackpressureBytes behind: it would get only the latest), it is closed
 * with 4001 BACKPRESSURE after backpressureCloseSeconds, and everyone else
 * keeps ticking meanwhile. Both transports.
 */
import { encode } from '../../shared/protocol/codec.js';
import { CloseCode } from '../../shared/protocol/codes.js';
import { possessionKey } from '../../shared/tokens/possession.js';
import { hashSecret, newClientSecret } from '../../shared/tokens/secret.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFrame, closeCodeIn, rawUpgrade } from '../support/raw-websocket.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { TRANSPORTS_HERE } from '../support/transports.js';

const MAX_BACKPRESSURE = 1 << 20;
const CLOSE_SECONDS = 1;
/** Pings per burst: their pongs (~40 bytes each) are far less than MAX_BACKPRESSURE. */
const BURST = 4000;
/** One tick frame or reply beyond the limit: what a connection may hold past it. */
const FRAME_SLACK = 1024;

async function gauge(system: TestSystem, name: string): Promise<number> {
  const metric = system.gateway!.context.registry.getSingleMetric(name)!;
  return (await metric.get()).values[0]?.value ?? 0;
}

async function closesCountedIn(system: TestSystem): Promise<number> {
  const metric = await system.gateway!.context.registry.getSingleMetric('waitroom_errors_total')!.get();
  return metric.values.find((value) => value.labels.code === 'CLOSE_BACKPRESSURE')?.value ?? 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(TRANSPORTS_HERE)('slow reader on %s', (transport) => {
  let system: TestSystem;
  let bystander: TestClient;

  beforeAll(async () => {
    system = await startTestSystem({
      transport,
      tickMs: 20,
      events: [testEvent({ admitsPerMinute: 1, maxActive: 1 })],
      gateway: { maxBackpressureBytes: MAX_BACKPRESSURE, backpressureCloseSeconds: CLOSE_SECONDS },
    });
    await (await TestClient.connect(system.wsUrl)).join('ev'); // admitted at once: the ones below wait
    bystander = await TestClient.connect(system.wsUrl);
    await bystander.join('ev');
  });
  const closesCounted = (of: TestSystem) => closesCountedIn(of);
  afterAll(async () => {
    await bystander.drop();
    await system.stop();
  });

  /** A hand-made client that joined and then stopped reading; what the server sends it is kept in `received`. */
  async function pausedWaiter() {
    const { socket, status, rest } = await rawUpgrade(system.wsUrl);
    expect(status).toBe(101);
    const received: Buffer[] = [rest];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const secret = newClientSecret();
    socket.write(clientFrame(encode({ type: 'join', rid: 1, eventId: 'ev', secretHash: await hashSecret(secret), pk: await possessionKey(secret) })));
    await sleep(100);
    socket.pause();
    let rid = 2;
    const pings = (count: number) => {
      for (let i = 0; i < count; i++) socket.write(clientFrame(encode({ type: 'ping', rid: rid++, t: Date.now() })));
    };
    /** Reads again and finds the close frame after the backlog. */
    const closeCode = async () => {
      socket.resume();
      const until = Date.now() + 5_000;
      while (closeCodeIn(Buffer.concat(received)) === null && Date.now() < until) await sleep(50);
      socket.destroy();
      return closeCodeIn(Buffer.concat(received));
    };
    return { pings, closeCode };
  }

  /** Samples the gateway's unsent bytes until it has closed a connection for backpressure; the largest sample. */
  async function largestBacklogUntilClosed(within: number): Promise<number> {
    let largest = 0;
    const until = Date.now() + within;
    while ((await closesCounted(system)) === 0) {
      expect(Date.now()).toBeLessThan(until);
      largest = Math.max(largest, await gauge(system, 'waitroom_backpressure_bytes'));
      await sleep(20);
    }
    return largest;
  }

  it('closes a reader whose backlog does not empty for backpressureCloseSeconds with 4001; others keep ticking', async () => {
    const reader = await pausedWaiter();
    // Pong replies fill the kernel's socket buffers (some MB) in bursts far below the limit; stop once the gateway holds a backlog.
    const fillUntil = Date.now() + 20_000;
    while ((await gauge(system, 'waitroom_backpressure_bytes')) === 0) {
      expect(Date.now()).toBeLessThan(fillUntil);
      reader.pings(BURST);
      await sleep(300);
    }
    const stuckAt = Date.now();
    const ticksBefore = bystander.ticks;
    const largest = await largestBacklogUntilClosed(10_000);
    expect(Date.now() - stuckAt).toBeGreaterThanOrEqual(CLOSE_SECONDS * 1000 - 300);
    expect(largest).toBeLessThanOrEqual(MAX_BACKPRESSURE + FRAME_SLACK);
    // The bystander ticked all along (tickMs 20).
    expect(bystander.ticks - ticksBefore).toBeGreaterThan(CLOSE_SECONDS * 10);
    expect(await reader.closeCode()).toBe(CloseCode.BACKPRESSURE);
    const seen = bystander.ticks;
    await bystander.waitFor('tick', () => bystander.ticks > seen + 2, 5_000, false);
  });

  it('closes a reader that keeps asking but never reads with 4001 once a reply cannot be queued; its backlog stays within the limit', async () => {
    const before = await closesCounted(system);
    const reader = await pausedWaiter();
    const ticksBefore = bystander.ticks;
    let largest = 0;
    const until = Date.now() + 20_000;
    while ((await closesCounted(system)) === before) {
      expect(Date.now()).toBeLessThan(until);
      reader.pings(BURST);
      await sleep(50);
      largest = Math.max(largest, await gauge(system, 'waitroom_backpressure_bytes'));
    }
    expect(largest).toBeLessThanOrEqual(MAX_BACKPRESSURE + FRAME_SLACK);
    expect(bystander.ticks).toBeGreaterThan(ticksBefore);
    // uWS may not queue the close frame behind a full buffer either: then it ends the socket and the client sees 1006 (reconnect, as 4001 says).
    expect(transport === 'ws' ? [CloseCode.BACKPRESSURE] : [CloseCode.BACKPRESSURE, null]).toContain(await reader.closeCode());
  });
});
