/**
 * The fan-out floor: a bare uWebSockets.js process that does nothing but what
 * a gateway's tick cannot avoid. Each connection to /ws is subscribed to one
 * topic; every `--tick-ms` one binary frame of `--frame-bytes` (a real tick
 * message, bench/floor/frame.ts) is published to it. Comparing with a gateway
 * holding the same number of connections shows what the gateway adds.
 *
 * Two times per tick, because uWS defers the work: `app.publish` only queues
 * the message in its topic tree (~0.14 µs per subscriber, measured), and the
 * writes to every socket happen after the calling JavaScript returns, before
 * the loop gets to its next setImmediate (~10 µs per subscriber on loopback,
 * where the sender's syscalls also pay for the receiver's TCP processing).
 *   publishMs  the `app.publish` call alone (what a gateway's
 *              waitroom_publish_duration_seconds measures: compare these two)
 *   flushMs    from the call to the next setImmediate: the loop blocked by the fan-out
 *   cpuMs      process CPU (user + system) over the same span
 *
 *   node --import tsx bench/floor/publisher.ts [--port 0] [--host 127.0.0.1]
 *        [--tick-ms 1000] [--frame-bytes 100] [--max-seconds 600]
 *
 * Reports, one JSON object per line on stdout, or as IPC messages when started
 * with an IPC channel (bench/floor/spawn.ts):
 *   {type:'listening', port, pid, frameBytes}
 *   {type:'tick', at, publishMs, flushMs, cpuMs, connections}     every tick
 *   {type:'stopped', ticks}
 * Stops on SIGTERM/SIGINT, on an IPC {type:'stop'} or disconnect, and after --max-seconds.
 * Connections use the gateway's settings (no compression, automatic pings, 64 KiB backpressure).
 */
import { parseArgs } from 'node:util';
import type * as Uws from 'uWebSockets.js';
import { loadNativeUws } from '../../server/gateway/transport/uws.js';
import { floorFrame } from './frame.js';

const TOPIC = 'floor';

export type PublisherReport =
  | { type: 'listening'; port: number; pid: number; frameBytes: number }
  | { type: 'tick'; at: number; publishMs: number; flushMs: number; cpuMs: number; connections: number }
  | { type: 'stopped'; ticks: number };

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'tick-ms': { type: 'string', default: '1000' },
    'frame-bytes': { type: 'string', default: '100' },
    'max-seconds': { type: 'string', default: '600' },
  },
});
const port = Number(values.port);
const tickMs = Number(values['tick-ms']);
const frameBytes = Number(values['frame-bytes']);
const maxSeconds = Number(values['max-seconds']);
for (const [name, value, min] of [
  ['port', port, 0],
  ['tick-ms', tickMs, 1],
  ['frame-bytes', frameBytes, 1],
  ['max-seconds', maxSeconds, 1],
] as const) {
  if (!Number.isInteger(value) || value < min) {
    console.error(`publisher: --${name} must be an integer ≥ ${min}`);
    process.exit(2);
  }
}

function report(message: PublisherReport): void {
  if (process.send && process.connected) process.send(message);
  else process.stdout.write(`${JSON.stringify(message)}\n`);
}

// The native binary or nothing: the package's pure-Node fallback would measure something else.
const uws = loadNativeUws();
const app = uws.App();
let connections = 0;

app.ws<Record<string, never>>('/ws', {
  compression: uws.DISABLED,
  maxPayloadLength: 4096,
  idleTimeout: 120,
  maxBackpressure: 64 << 10,
  sendPingsAutomatically: true,
  open: (ws) => {
    connections++;
    ws.subscribe(TOPIC);
  },
  close: () => {
    connections--;
  },
});
app.any('/*', (res) => {
  res.writeStatus('404 Not Found').end('only /ws here');
});

let listenSocket: Uws.us_listen_socket | null = null;
let ticks = 0;
let timer: NodeJS.Timeout | null = null;

let pending: { at: number; started: number; publishMs: number; cpu: NodeJS.CpuUsage } | null = null;

function tick(): void {
  if (pending) return; // the last fan-out has not finished: skip, as a busy loop would
  const at = Date.now();
  // Built outside the measured span: a gateway also encodes its frame before publishing.
  const frame = floorFrame(at, frameBytes);
  const cpu = process.cpuUsage();
  const started = performance.now();
  app.publish(TOPIC, frame, true, false);
  pending = { at, started, publishMs: performance.now() - started, cpu };
  setImmediate(flushed);
}

/** Runs once uWS has written the frame to every subscriber (it does so before the loop reaches setImmediate). */
function flushed(): void {
  const { at, started, publishMs, cpu } = pending!;
  pending = null;
  const flushMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  ticks++;
  report({ type: 'tick', at, publishMs, flushMs, cpuMs: (used.user + used.system) / 1000, connections });
}

let stopped = false;
function stop(): void {
  if (stopped) return;
  stopped = true;
  if (timer) clearInterval(timer);
  if (listenSocket) uws.us_listen_socket_close(listenSocket);
  listenSocket = null;
  report({ type: 'stopped', ticks });
  // Open connections keep uWS's loop alive; this process is done.
  setTimeout(() => process.exit(0), 100);
}

app.listen(values.host, port, (socket) => {
  if (!socket) {
    console.error(`publisher: cannot listen on ${values.host}:${port}`);
    process.exit(1);
  }
  listenSocket = socket;
  report({ type: 'listening', port: uws.us_socket_local_port(socket), pid: process.pid, frameBytes: floorFrame(Date.now(), frameBytes).length });
  timer = setInterval(tick, tickMs);
  setTimeout(stop, maxSeconds * 1000).unref();
});

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('message', (message: { type?: string }) => {
  if (message?.type === 'stop') stop();
});
process.on('disconnect', stop);
