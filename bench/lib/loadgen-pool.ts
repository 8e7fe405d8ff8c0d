/**
 * Several load-generator workers (bench/loadgen/spawn.ts) as one: each holds
 * at most CLIENTS_PER_WORKER sockets (the per-process open-file cap is
 * 20,000) and binds its own 127.0.x.y source addresses, so no source address
 * runs out of ephemeral ports.
 */
import type { Counters, SnapshotMessage, StartOptions } from '../loadgen/messages.js';
import { LoadWorker } from '../loadgen/spawn.js';

export const CLIENTS_PER_WORKER = 18_000;
const SOURCES_PER_WORKER = 8;
const COUNTER_NAMES: (keyof Counters)[] = ['connected', 'opened', 'joined', 'failed', 'admitted', 'booked', 'abandoned', 'queued'];

export type PoolOptions = Omit<StartOptions, 'count' | 'sourceAddresses'> & { count: number };

/** Workers `count` clients need. */
export function workersFor(count: number, workersAtLeast = 1): number {
  return Math.max(workersAtLeast, Math.ceil(count / CLIENTS_PER_WORKER));
}

export class LoadPool {
  /** Workers spawned ahead, not yet given clients (spawning one takes seconds on a busy machine). */
  private readonly spare: LoadWorker[] = [];

  private constructor(private readonly workers: LoadWorker[]) {}

  /**
   * Starts enough workers (at least `workersAtLeast`) for `count` clients and gives each its share;
   * `spare` more are spawned at the same time for later add()s.
   */
  static async start(options: PoolOptions, workersAtLeast = 1, spare = 0): Promise<LoadPool> {
    const pool = new LoadPool([]);
    const spawned = Promise.all(Array.from({ length: spare }, () => LoadWorker.spawn()));
    await pool.add(options, workersAtLeast);
    pool.spare.push(...(await spawned));
    return pool;
  }

  /** More clients, on new workers (each with source addresses of its own). */
  async add(options: PoolOptions, workersAtLeast = 1): Promise<void> {
    const size = workersFor(options.count, workersAtLeast);
    const first = this.workers.length;
    const workers = await Promise.all(Array.from({ length: size }, () => this.spare.shift() ?? LoadWorker.spawn()));
    this.workers.push(...workers);
    const share = (w: number) => Math.floor(options.count / size) + (w < options.count % size ? 1 : 0);
    workers.forEach((worker, w) => {
      const sourceAddresses = Array.from({ length: SOURCES_PER_WORKER }, (_, k) => `127.0.${first + w + 1}.${k + 1}`);
      worker.start({ ...options, count: share(w), sourceAddresses });
    });
  }

  get pids(): number[] {
    return this.workers.map((worker) => worker.pid);
  }

  /** The counters summed over workers, as of their last progress reports. */
  counters(): Counters {
    const sum = Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as unknown as Counters;
    for (const { progress } of this.workers) for (const name of COUNTER_NAMES) sum[name] += progress[name];
    return sum;
  }

  /** Waits until `done(counters)` holds; throws after `timeoutMs` or when a worker reports an error. */
  async until(done: (counters: Counters) => boolean, timeoutMs: number, onProgress?: (counters: Counters) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastReport = Date.now();
    for (;;) {
      const counters = this.counters();
      if (done(counters)) return;
      const errors = this.workers.flatMap((worker) => worker.reportedErrors());
      if (errors.length > 0) throw new Error(`load generators: ${errors.join('; ')}`);
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
    return Promise.all(this.workers.map((worker) => worker.snapshot(reset)));
  }

  /** Closes every client and stops every worker (by PID if it does not exit). */
  async stop(): Promise<void> {
    for (const worker of this.spare.splice(0)) worker.kill();
    await Promise.all(this.workers.map((worker) => worker.stop().catch(() => worker.kill())));
  }
}
