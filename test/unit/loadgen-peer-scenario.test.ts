/**
 * The load generator's `peer` scenario (bench/loadgen/fleet.ts), which the
 * peers bench points at Soketi and Nchan, against a real `ws` server: each
 * client sends its subscribe message as text once open, counts only the
 * stamped frames (with their lag), counts every message's bytes, and sends its
 * keepalive text after a quiet spell — on both client transports.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { Fleet } from '../../bench/loadgen/fleet.js';
import { stampedText } from '../../bench/peers/stamp.js';

const CLIENTS = 6;
const FRAME_BYTES = 120;

interface Received {
  text: string;
  binary: boolean;
}

let wss: WebSocketServer | null = null;
let fleet: Fleet | null = null;
afterEach(async () => {
  await fleet?.stop(500);
  fleet = null;
  for (const socket of wss?.clients ?? []) socket.terminate();
  await new Promise((resolve) => (wss ? wss.close(resolve) : resolve(undefined)));
  wss = null;
});

async function until(test: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the peer scenario', () => {
  for (const transport of ['net', 'ws'] as const) {
    it(`over ${transport}: subscribes, counts stamped frames only, keeps quiet connections alive`, async () => {
      const sockets: { socket: ServerSocket; received: Received[] }[] = [];
      wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
      wss.on('connection', (socket) => {
        const entry = { socket, received: [] as Received[] };
        sockets.push(entry);
        socket.on('message', (data, binary) => entry.received.push({ text: data.toString(), binary }));
        socket.send('{"event":"pusher:connection_established","data":"{\\"socket_id\\":\\"12.34\\"}"}');
      });
      await new Promise((resolve) => wss!.once('listening', resolve));
      const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/app/key`;
      fleet = new Fleet({
        scenario: 'peer',
        transport,
        targets: [url],
        eventId: 'peer',
        count: CLIENTS,
        sourceAddresses: [],
        connectConcurrency: CLIENTS,
        subscribe: 'SUBSCRIBE',
        keepalive: { text: 'PING', everyMs: 300 },
      });
      await fleet.start();
      await until(() => sockets.length === CLIENTS && sockets.every((s) => s.received.length >= 1));
      for (const { received } of sockets) expect(received[0]).toEqual({ text: 'SUBSCRIBE', binary: false });
      fleet.snapshot(true);

      for (let k = 0; k < 2; k++) for (const { socket } of sockets) socket.send(stampedText(Date.now(), FRAME_BYTES));
      await until(() => fleet!.snapshot().updates === 2 * CLIENTS);
      const window = fleet.snapshot();
      expect(window.bytes).toBe(2 * CLIENTS * FRAME_BYTES);
      expect(window.waiting).toBe(CLIENTS);
      expect(window.lag.samples).toHaveLength(2 * CLIENTS);
      for (const lag of window.lag.samples) (expect(lag).toBeGreaterThanOrEqual(0), expect(lag).toBeLessThan(1000));
      expect(window.errors).toEqual({});

      // Quiet for longer than everyMs: each client sends its keepalive, as text.
      await until(() => sockets.every((s) => s.received.some((r) => r.text === 'PING')), 3000);
      for (const { received } of sockets) expect(received.find((r) => r.text === 'PING')!.binary).toBe(false);
      expect(fleet.counters).toMatchObject({ connected: CLIENTS, opened: CLIENTS, failed: 0 });
    });
  }
});
