/**
 * The load generator's minimal WebSocket client (bench/loadgen/minimal-ws.ts)
 * against a real `ws` server and a real gateway, and its fleet logic (join,
 * ticks, lag, drain with bookings) on both transports, in-process and as an
 * IPC worker.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { FloorPublisher } from '../../bench/floor/spawn.js';
import { Fleet } from '../../bench/loadgen/fleet.js';
import type { StartOptions } from '../../bench/loadgen/messages.js';
import { MinimalWs, type MinimalWsHandler } from '../../bench/loadgen/minimal-ws.js';
import { newSecret, possessionKeyOf, proofOf, secretHash } from '../../bench/loadgen/secrets.js';
import { LoadWorker } from '../../bench/loadgen/spawn.js';
import { possessionKey, proveWith } from '../../shared/tokens/possession.js';
import { hashSecret } from '../../shared/tokens/secret.js';
import { decodeServerMessage } from '../../shared/protocol/codec.js';
import { LOAD_GENERATOR_ADDRESSES } from '../../bench/lib/deployment.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { nativeUwsShipped } from '../support/transports.js';

interface Seen {
  opened: boolean;
  messages: Buffer[];
  closed: Promise<{ code: number; error: string | null }>;
}

/** A MinimalWs whose events are recorded; `messages` are copies. */
function client(url: string, localAddress?: string): { ws: MinimalWs<Seen>; seen: Seen; nextMessage(): Promise<Buffer> } {
  let closed!: (value: { code: number; error: string | null }) => void;
  const seen: Seen = { opened: false, messages: [], closed: new Promise((resolve) => (closed = resolve)) };
  const waiters: ((data: Buffer) => void)[] = [];
  const handler: MinimalWsHandler<Seen> = {
    open: (ws) => (ws.owner.opened = true),
    message: (ws, data) => {
      const copy = Buffer.from(data);
      ws.owner.messages.push(copy);
      waiters.shift()?.(copy);
    },
    close: (_ws, code, error) => closed({ code, error }),
  };
  const ws = new MinimalWs(url, handler, seen, localAddress ? { localAddress } : {});
  return { ws, seen, nextMessage: () => new Promise((resolve) => waiters.push(resolve)) };
}

describe('load generator secrets', () => {
  it('have the format of newClientSecret, the hash of hashSecret, the key of possessionKey and the proofs of proveWith, fresh each time', async () => {
    const secrets = Array.from({ length: 3000 }, () => newSecret());
    expect(new Set(secrets).size).toBe(3000);
    for (const secret of secrets.slice(0, 50)) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(secretHash(secret)).toBe(await hashSecret(secret));
      expect(possessionKeyOf(secret)).toBe(await possessionKey(secret));
      expect(proofOf(secret, `challenge ${secret}`)).toBe(await proveWith(secret, `challenge ${secret}`));
    }
  });
});

describe('minimal-ws against a ws server', () => {
  let wss: WebSocketServer;
  let url: string;
  const onConnection: ((socket: ServerSocket) => void)[] = [];

  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise((resolve) => wss.once('listening', resolve));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;
    wss.on('connection', (socket) => onConnection.shift()?.(socket));
  });
  afterAll(() => new Promise<void>((resolve) => wss.close(() => resolve())));

  function serverSide(): Promise<ServerSocket> {
    return new Promise((resolve) => onConnection.push(resolve));
  }

  it('handshakes from a chosen source address, sends masked binary frames, reads 7-, 16- and 64-bit lengths and fragments', async () => {
    const server = serverSide();
    const { ws, seen, nextMessage } = client(url, '127.0.3.7');
    const socket = await server;
    const fromClient = new Promise<{ data: Buffer; binary: boolean }>((resolve) => socket.once('message', (data: Buffer, binary) => resolve({ data, binary })));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.opened).toBe(true);
    ws.send(new Uint8Array([1, 2, 3, 250]));
    expect(await fromClient).toEqual({ data: Buffer.from([1, 2, 3, 250]), binary: true });

    for (const size of [0, 125, 126, 65535, 65536, 300_000]) {
      const payload = Buffer.alloc(size, size % 251);
      const received = nextMessage();
      socket.send(payload, { binary: true });
      expect((await received).equals(payload)).toBe(true);
    }
    const whole = nextMessage();
    socket.send(Buffer.from('abc'), { fin: false });
    socket.send(Buffer.from('def'), { fin: false });
    socket.send(Buffer.from('g'), { fin: true });
    expect((await whole).toString()).toBe('abcdefg');

    expect((socket as unknown as { _socket: { remoteAddress: string } })._socket.remoteAddress).toBe('127.0.3.7');
    ws.close(1000);
    expect(await seen.closed).toEqual({ code: 1000, error: null });
  });

  it('answers a ping with a pong carrying its payload, and reports the close code the server sends', async () => {
    const server = serverSide();
    const { seen } = client(url);
    const socket = await server;
    const pong = new Promise<Buffer>((resolve) => socket.once('pong', resolve));
    socket.ping(Buffer.from('are you there'));
    expect((await pong).toString()).toBe('are you there');
    socket.close(4001, 'bye');
    expect(await seen.closed).toEqual({ code: 4001, error: null });
  });

  it('fails the connection, without throwing, on a masked server frame or an unknown opcode', async () => {
    for (const bad of [Buffer.from([0x82, 0x81, 1, 2, 3, 4, 5]), Buffer.from([0x83, 0x00])]) {
      const server = serverSide();
      const { seen } = client(url);
      const socket = await server;
      await new Promise((resolve) => setTimeout(resolve, 10));
      (socket as unknown as { _socket: { write(b: Buffer): void } })._socket.write(bad);
      const { error } = await seen.closed;
      expect(error).toMatch(/masked|opcode/);
    }
  });
});

describe('minimal-ws handshake checks', () => {
  let raw: Server;
  let port: number;
  beforeAll(async () => {
    raw = createServer((socket) =>
      socket.once('data', () =>
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n',
        ),
      ),
    );
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    port = (raw.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => raw.close(() => resolve())));

  it('refuses a wrong Sec-WebSocket-Accept and a refused connection', async () => {
    const wrong = client(`ws://127.0.0.1:${port}/ws`);
    expect(await wrong.seen.closed).toEqual({ code: 1006, error: 'wrong Sec-WebSocket-Accept' });
    expect(wrong.seen.opened).toBe(false);
    const refused = client('ws://127.0.0.1:1/ws');
    expect((await refused.seen.closed).error).toBe('ECONNREFUSED');
  });
});

describe('the load generator against a real gateway', () => {
  let system: TestSystem;
  const fleets: Fleet[] = [];
  beforeAll(async () => {
    system = await startTestSystem({
      tickMs: 50,
      events: [testEvent({ id: 'hold', maxActive: 1, admitsPerMinute: 1 }), testEvent({ id: 'drain', maxActive: 20, admitsPerMinute: 60_000 })],
      // The fleets join from 127.0.9.x without device keys, as the bench's load generators do.
      gateway: { natRanges: [LOAD_GENERATOR_ADDRESSES] },
    });
    // 'hold' admits nobody, so what waits there does not depend on which test joined first.
    await system.stores.queue.setPaused('hold', true);
  });
  afterEach(async () => {
    await Promise.all(fleets.splice(0).map((fleet) => fleet.stop(1000)));
  });
  afterAll(() => system.stop());

  function options(overrides: Partial<StartOptions>): StartOptions {
    return {
      scenario: 'hold',
      transport: 'net',
      targets: [system.wsUrl],
      eventId: 'hold',
      count: 10,
      sourceAddresses: ['127.0.9.1', '127.0.9.2'],
      connectConcurrency: 4,
      ...overrides,
    };
  }

  async function until(test: () => boolean, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > end) throw new Error('condition not reached');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('minimal-ws: hello, join → ticket, then ticks that decode', async () => {
    const { seen, ws, nextMessage } = client(system.wsUrl);
    const hello = decodeServerMessage(await nextMessage());
    expect(hello.ok && hello.message.type).toBe('hello');
    const { encode } = await import('../../shared/protocol/codec.js');
    ws.send(encode({ type: 'join', rid: 7, eventId: 'hold', secretHash: 'a'.repeat(43), pk: 'k'.repeat(43) }));
    const ticket = decodeServerMessage(await nextMessage());
    expect(ticket.ok && ticket.message.type === 'ticket' && ticket.message.rid).toBe(7);
    const isTick = (frame: Buffer) => {
      const decoded = decodeServerMessage(frame);
      return decoded.ok && decoded.message.type === 'tick';
    };
    await until(() => seen.messages.slice(2).some(isTick));
    ws.close();
    await seen.closed;
  });

  for (const transport of ['net', 'ws'] as const) {
    it(`hold over ${transport}: every client joins, receives ticks, and lag is measured`, async () => {
      const fleet = new Fleet(options({ transport }));
      fleets.push(fleet);
      await fleet.start();
      await until(() => fleet.counters.joined === 10);
      fleet.snapshot(true);
      // About 400 ms on an idle machine; a loaded one (the whole suite on 2 cores) may need longer for 4 broadcasts.
      await until(() => {
        const window = fleet.snapshot();
        return window.updates >= 50 && window.broadcastSpreadMs.length >= 4;
      });
      const snapshot = fleet.snapshot();
      expect(snapshot.counters).toMatchObject({ connected: 10, opened: 10, joined: 10, failed: 0 });
      expect(snapshot.joinLatencyMs).toHaveLength(10);
      expect(snapshot.waiting).toBe(10);
      expect(snapshot.waitingWithoutUpdates).toBe(0);
      // ~8 ticks in 400 ms at 50 ms each, for each of 10 clients.
      expect(snapshot.updates).toBeGreaterThanOrEqual(50);
      expect(snapshot.lag.count).toBe(snapshot.updates);
      expect(snapshot.lag.samples.length).toBe(snapshot.updates);
      for (const lag of snapshot.lag.samples) (expect(lag).toBeGreaterThanOrEqual(0), expect(lag).toBeLessThan(200));
      expect(snapshot.loopUtilization).toBeGreaterThan(0);
      expect(snapshot.loopUtilization).toBeLessThan(1);
      // Each broadcast reached all 10 clients within a few ms.
      expect(snapshot.broadcastSpreadMs.length).toBeGreaterThanOrEqual(4);
      for (const spread of snapshot.broadcastSpreadMs) expect(spread).toBeLessThan(100);
      expect(snapshot.maxGapMs).toHaveLength(10);
      for (const gap of snapshot.maxGapMs) expect(gap).toBeLessThan(300);
      // One decode per broadcast (~12 so far), not per client; plus each client's hello and ticket.
      expect(snapshot.frames.decoded).toBeLessThan(10 * 2 + 25);
      expect(snapshot.frames.cached).toBeGreaterThanOrEqual(snapshot.updates - 25);
      await fleet.stop();
      expect(fleet.counters.connected).toBe(0);
      expect(fleet.counters.failed).toBe(0);
    });
  }

  it('join: every client closes once its ticket arrives, and join latencies are kept', async () => {
    const fleet = new Fleet(options({ scenario: 'join', count: 12 }));
    fleets.push(fleet);
    await fleet.start();
    await until(() => fleet.counters.joined === 12 && fleet.counters.connected === 0);
    const snapshot = fleet.snapshot();
    expect(snapshot.counters).toMatchObject({ opened: 12, failed: 0 });
    expect(snapshot.joinLatencyMs).toHaveLength(12);
    expect(snapshot.lastTicketAt! - snapshot.firstTicketAt!).toBeGreaterThanOrEqual(0);
    expect(snapshot.errors).toEqual({});
  });

  it('keeps within its open-file budget: join waits for connections to close, the others refuse to start', async () => {
    const fleet = new Fleet(options({ scenario: 'join', count: 9 }), 2);
    fleets.push(fleet);
    await fleet.start();
    await until(() => fleet.counters.joined === 9 && fleet.counters.connected === 0);
    expect(fleet.counters.failed).toBe(0);
    expect(() => new Fleet(options({ scenario: 'hold', count: 3 }), 2)).toThrow(/open-file budget of 2/);
  });

  it('drain: clients are admitted, book with their grant, and report their ETA at join', async () => {
    const fleet = new Fleet(options({ scenario: 'drain', eventId: 'drain', count: 30, reservationsUrl: system.reservationsUrl, connectConcurrency: 30 }));
    fleets.push(fleet);
    await fleet.start();
    await until(() => fleet.counters.booked === 30, 8000);
    const { drain, counters, errors } = fleet.snapshot();
    expect(errors).toEqual({});
    expect(counters).toMatchObject({ joined: 30, admitted: 30, booked: 30, failed: 0 });
    expect(drain).toHaveLength(30);
    for (const record of drain!) {
      expect(record.booked).toBe(true);
      expect(record.admittedAt).toBeGreaterThanOrEqual(record.joinedAt);
      expect(new Set(drain!.map((r) => r.ticketNo)).size).toBe(30);
    }
    await until(() => fleet.counters.connected === 0);
  });

  it('drain with abandonRate 1: everyone leaves before their turn', async () => {
    const fleet = new Fleet(
      options({ scenario: 'drain', eventId: 'hold', count: 5, abandonRate: 1, abandonWithinSeconds: 0.3, reservationsUrl: system.reservationsUrl }),
    );
    fleets.push(fleet);
    await fleet.start();
    await until(() => fleet.counters.abandoned === 5);
    expect(fleet.snapshot().drain!.filter((record) => record.abandoned)).toHaveLength(fleet.counters.abandoned);
    expect(fleet.counters.failed).toBe(0);
  });

  it('runs as an IPC worker process: ready, start, progress, snapshot, stop → done', async () => {
    const worker = await LoadWorker.spawn();
    try {
      worker.start(options({ count: 6 }));
      await worker.until((p) => p.joined === 6, 8000);
      const snapshot = await worker.snapshot();
      expect(snapshot.counters.joined).toBe(6);
      expect(snapshot.cpu.user).toBeGreaterThan(0);
      const counters = await worker.stop();
      expect(counters).toMatchObject({ connected: 0, joined: 6, failed: 0 });
      expect(await worker.exited).toBe(0);
    } finally {
      worker.kill();
    }
  });
});

// The floor is a bare uWebSockets.js process (bench/floor/publisher.ts): it measures uWS itself, so it runs only
// where the native binary is shipped for this Node (test/support/transports.ts); on Node 22 and 24 there is no uWS to measure.
describe.runIf(nativeUwsShipped)('the fan-out floor', () => {
  it("listen: the load generator counts the bare publisher's frames and their lag; the publisher reports publish times", async () => {
    const publisher = await FloorPublisher.start({ tickMs: 50, frameBytes: 300, maxSeconds: 30 });
    const fleet = new Fleet({
      scenario: 'listen',
      transport: 'net',
      targets: [publisher.wsUrl],
      eventId: 'floor',
      count: 20,
      sourceAddresses: ['127.0.9.3'],
      connectConcurrency: 20,
    });
    try {
      expect(publisher.frameBytes).toBe(300);
      await fleet.start();
      const end = Date.now() + 5000;
      while (fleet.counters.connected < 20 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
      fleet.snapshot(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const snapshot = fleet.snapshot();
      expect(snapshot.waiting).toBe(20);
      expect(snapshot.updates).toBeGreaterThanOrEqual(20 * 4);
      expect(snapshot.lag.max).toBeLessThan(200);
      expect(snapshot.errors).toEqual({});
      const last = publisher.ticks.at(-1)!;
      expect(last.connections).toBe(20);
      expect(last.publishMs).toBeGreaterThanOrEqual(0);
      expect(last.flushMs).toBeGreaterThanOrEqual(last.publishMs);
    } finally {
      await fleet.stop(1000);
      await publisher.stop();
    }
  });
});
