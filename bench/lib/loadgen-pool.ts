/**
 * Load-generator worker processes (bench/loadgen/worker.ts), each holding at
 * most CLIENTS_PER_WORKER sockets (the per-process open-file cap is 20,000),
 * each binding its own 127.0.x.y source addresses so no source runs out of
 * ephemeral ports. Started with fork (an IPC channel), stopped by message and
 * then by PID.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Counters, ParentMessage, SnapshotMessage, StartOptions, WorkerMessage } from '../loadgen/messages.js';

export const CLIENTS_PER_WORKER = 18_000;
const SOURCES_PER_WORKER = 8;
const WORKER = fileURLToPath(new URL('../loadgen/worker.ts', import.meta.url));

interface Worker {
  child: ChildProcess;
  counters: Counters | null;
  pending: ((message: WorkerMessage) => void)[];
  exited: Promise<void>;
}

export type PoolOptions = Omit<StartOptions, 'count' | 'sourceAddresses'> & { count: number };

export class LoadPool {
  private constructor(private readonly workers: Worker[]) {}

  /** Starts enough workers for `count` clients and sends each its share. */
  static async start(options: PoolOptions, workersAtLeast = 1): Promise<LoadPool> {
    const size = Math.max(workersAtLeast, Math.ceil(options.count / CLIENTS_PER_WORKER));
    const workers: Worker[] = [];
    for (let w = 0; w < size; w++) {
      const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const worker: Worker = { child, counters: null, pending: [], exited: new Promise((resolve) => child.once('exit', () => resolve())) };
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'progress') worker.counters = message;
        const waiter = worker.pending.shift();
        if (waiter && message.type !== 'progress') waiter(message);
        else if (message.type === 'error') console.error(`load generator ${child.pid}: ${message.message}`);
      });
      workers.push(worker);
    }
    const pool = new LoadPool(workers);
    await Promise.all(workers.map((worker) => pool.next(worker, 'ready')));
    const share = (w: number) => Math.floor(options.count / size) + (w < options.count % size ? 1 : 0);
    workers.forEach((worker, w) => {
      const sourceAddresses = Array.from({ length: SOURCES_PER_WORKER }, (_, k) => `127.0.${w + 1}.${k + 1}`);
      pool.send(worker, { type: 'start', ...options, count: share(w), sourceAddresses });
    });
    return pool;
  }

  get pids(): number[] {
    return this.workers.map((worker) => worker.child.pid!);
  }

  private send(worker: Worker, message: ParentMessage): void {
    worker.child.send(message);
  }

  private next(worker: Worker, type: WorkerMessage['type']): Promise<WorkerMessage> {
    return new Promise((resolve, reject) => {
      worker.pending.push((message) => (message.type === type ? resolve(message) : reject(new Error(`load generator ${worker.child.pid}: expected ${type}, got ${JSON.stringify(message).slice(0, 300)}`))));
    });
  }

  /** The counters summed over workers, as of their last progress message. */
  counters(): Counters {
    const sum: Counters = { connected: 0, opened: 0, joined: 0, failed: 0, admitted: 0, booked: 0, abandoned: 0, queued: 0 };
    for (const { counters } of this.workers) {
      if (!counters) continue;
      for (const key of Object.keys(sum) as (keyof Counters)[]) sum[key] += counters[key];
    }
    return sum;
  }

  /** Waits until `done(counters)` holds, checking every 250 ms; throws after `timeoutMs`. */
  async until(done: (counters: Counters) => boolean, timeoutMs: number, onProgress?: (counters: Counters) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastReport = 0;
    for (;;) {
      const counters = this.counters();
      if (done(counters)) return;
      if (Date.now() > deadline) throw new Error(`load generators: condition not met within ${timeoutMs} ms (${JSON.stringify(counters)})`);
      if (onProgress && Date.now() - lastReport >= 5000) {
        lastReport = Date.now();
        onProgress(counters);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Every worker's snapshot; `reset` starts a new measuring window. */
  snapshots(reset = false): Promise<SnapshotMessage[]> {
    return Promise.all(
      this.workers.map((worker) => {
        const answer = this.next(worker, 'snapshot');
        this.send(worker, { type: 'snapshot', reset });
        return answer as Promise<SnapshotMessage>;
      }),
    );
  }

  /** Closes every client, then makes sure every worker process is gone (by PID). */
  async stop(timeoutMs = 30_000): Promise<void> {
    await Promise.all(
      this.workers.map(async (worker) => {
        if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
        const done = this.next(worker, 'done').catch(() => undefined);
        this.send(worker, { type: 'stop' });
        const timer = setTimeout(() => worker.child.kill('SIGKILL'), timeoutMs);
        await Promise.race([done, worker.exited]);
        await worker.exited;
        clearTimeout(timer);
      }),
    );
  }
}
