/**
 * The runner's side of a load-generator worker: spawns
 * `node --import tsx bench/loadgen/worker.ts` with an IPC channel, waits for
 * `ready`, and turns the messages of bench/loadgen/messages.ts into calls.
 * Stopping is by this child's PID only.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Counters, ProgressMessage, SnapshotMessage, StartOptions, WorkerMessage } from './messages.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export class LoadWorker {
  /** The last progress report (all zero before the first). */
  progress: ProgressMessage = { type: 'progress', at: 0, connected: 0, opened: 0, joined: 0, failed: 0, admitted: 0, booked: 0, abandoned: 0, queued: 0 };
  readonly exited: Promise<number | NodeJS.Signals>;
  private readonly listeners = new Set<(message: WorkerMessage) => void>();
  private errors: string[] = [];

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'SIGKILL')));
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') this.progress = message;
      if (message.type === 'error') this.errors.push(message.message);
      for (const listener of [...this.listeners]) listener(message);
    });
    child.on('error', () => {});
  }

  /** Starts a worker process and waits until it is loaded. `execArgv`: extra node flags (e.g. --max-old-space-size). */
  static async spawn(execArgv: string[] = []): Promise<LoadWorker> {
    const child = fork(WORKER, [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx', ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const worker = new LoadWorker(child);
    await worker.next('ready', 30_000);
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Errors the worker reported. */
  reportedErrors(): readonly string[] {
    return this.errors;
  }

  start(options: StartOptions): void {
    this.child.send({ type: 'start', ...options });
  }

  async snapshot(reset = false, timeoutMs = 30_000): Promise<SnapshotMessage> {
    const reply = this.next('snapshot', timeoutMs);
    this.child.send({ type: 'snapshot', reset });
    return reply;
  }

  /** Resolves with the counters once every connection is closed and the worker has exited. */
  async stop(timeoutMs = 20_000): Promise<Counters> {
    const done = this.next('done', timeoutMs);
    if (this.child.connected) this.child.send({ type: 'stop' });
    try {
      const { counters } = await done;
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
      return counters;
    } finally {
      this.kill();
    }
  }

  /** Resolves when a progress report satisfies `test`; rejects after `timeoutMs`, or if the worker reports an error or exits. */
  until(test: (progress: ProgressMessage) => boolean, timeoutMs: number): Promise<ProgressMessage> {
    if (test(this.progress)) return Promise.resolve(this.progress);
    return this.wait((message) => (message.type === 'progress' && test(message) ? message : undefined), timeoutMs, 'progress condition');
  }

  /** SIGKILL by PID, if still running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private next<T extends WorkerMessage['type']>(type: T, timeoutMs: number): Promise<Extract<WorkerMessage, { type: T }>> {
    return this.wait((message) => (message.type === type ? (message as Extract<WorkerMessage, { type: T }>) : undefined), timeoutMs, type);
  }

  private wait<R>(match: (message: WorkerMessage) => R | undefined, timeoutMs: number, what: string): Promise<R> {
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        outcome();
      };
      const listener = (message: WorkerMessage) => {
        if (message.type === 'error') return finish(() => reject(new Error(`load worker ${this.pid}: ${message.message}`)));
        const result = match(message);
        if (result !== undefined) finish(() => resolve(result));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`load worker ${this.pid}: no ${what} within ${timeoutMs} ms`))), timeoutMs);
      this.listeners.add(listener);
      void this.exited.then((status) => finish(() => reject(new Error(`load worker ${this.pid} exited (${status}) while waiting for ${what}`))));
    });
  }
}
