/**
 * A load-generator worker process: `node --import tsx bench/loadgen/worker.ts`,
 * started by the benchmark runner with an IPC channel (bench/loadgen/spawn.ts
 * does that). The messages are in bench/loadgen/messages.ts:
 *
 *   → ready {pid}                        once loaded
 *   ← start {scenario, transport, …}     once: connect `count` clients (bench/loadgen/fleet.ts)
 *   → progress {connected, joined, …}    every second from then on
 *   ← snapshot {reset?}                  → snapshot {lag, gaps, join latencies, cpu, memory, drain records, …}
 *   ← stop                               → done {counters} once every socket is closed; then the process exits
 *   → error {message}                    a refused request; after a failed start the process exits with 1
 *
 * Bounded: it stops by itself after `maxSeconds` (default 1800), and when the
 * parent goes away (IPC disconnect).
 */
import { Fleet } from './fleet.js';
import type { ParentMessage, WorkerMessage } from './messages.js';

if (!process.send) {
  console.error('bench/loadgen/worker.ts runs as a child process with an IPC channel (see bench/loadgen/spawn.ts)');
  process.exit(2);
}

let fleet: Fleet | null = null;
let progressTimer: NodeJS.Timeout | null = null;
let deadline: NodeJS.Timeout | null = null;
let stopping: Promise<void> | null = null;

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
}

function progress(): void {
  if (fleet) void send({ type: 'progress', at: Date.now(), ...fleet.counters });
}

function stop(): Promise<void> {
  stopping ??= (async () => {
    if (progressTimer) clearInterval(progressTimer);
    if (deadline) clearTimeout(deadline);
    await fleet?.stop();
    await send({ type: 'done', counters: fleet ? { ...fleet.counters } : emptyCounters() });
    if (process.connected) process.disconnect();
    // Anything left (a booking agent's sockets, a timer) must not keep the worker alive.
    setTimeout(() => process.exit(0), 200).unref();
  })();
  return stopping;
}

async function start(message: Extract<ParentMessage, { type: 'start' }>): Promise<void> {
  if (fleet) return void send({ type: 'error', message: 'start: already started' });
  try {
    const { type: _type, ...options } = message;
    fleet = new Fleet(options);
    progressTimer = setInterval(progress, 1000);
    deadline = setTimeout(() => void stop(), (options.maxSeconds ?? 1800) * 1000);
    await fleet.start();
  } catch (error) {
    await send({ type: 'error', message: (error as Error).message });
    await fleet?.stop(0);
    process.exit(1);
  }
}

process.on('message', (message: ParentMessage) => {
  switch (message?.type) {
    case 'start':
      return void start(message);
    case 'snapshot':
      if (!fleet) return void send({ type: 'error', message: 'snapshot before start' });
      return void send(fleet.snapshot(message.reset === true));
    case 'stop':
      return void stop();
    default:
      return void send({ type: 'error', message: `unknown message ${JSON.stringify(message).slice(0, 100)}` });
  }
});

process.on('disconnect', () => void stop());

function emptyCounters() {
  return { connected: 0, opened: 0, joined: 0, failed: 0, admitted: 0, booked: 0, abandoned: 0, queued: 0 };
}

await send({ type: 'ready', pid: process.pid });
