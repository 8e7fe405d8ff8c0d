/**
 * The runner's side of the floor publisher (bench/floor/publisher.ts): starts
 * it with an IPC channel, keeps its per-tick reports, stops it by PID.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PublisherReport } from './publisher.js';

const PUBLISHER = fileURLToPath(new URL('./publisher.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface PublisherOptions {
  tickMs: number;
  frameBytes: number;
  port?: number;
  maxSeconds?: number;
  /** Extra node flags (the peers scenario preloads bench/peers/gc-on-signal.cjs). */
  execArgv?: string[];
}

export type PublisherTick = Extract<PublisherReport, { type: 'tick' }>;

export class FloorPublisher {
  /** Every tick reported so far (clear it to start a measuring window). */
  readonly ticks: PublisherTick[] = [];
  readonly exited: Promise<number | NodeJS.Signals>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    /** The size of the frame published, bytes. */
    readonly frameBytes: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'SIGKILL')));
    child.on('message', (message: PublisherReport) => {
      if (message.type === 'tick') this.ticks.push(message);
    });
  }

  static async start(options: PublisherOptions): Promise<FloorPublisher> {
    const args = [
      '--tick-ms',
      String(options.tickMs),
      '--frame-bytes',
      String(options.frameBytes),
      '--port',
      String(options.port ?? 0),
      '--max-seconds',
      String(options.maxSeconds ?? 600),
    ];
    const child = fork(PUBLISHER, args, {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const listening = await new Promise<Extract<PublisherReport, { type: 'listening' }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('floor publisher: not listening within 30 s')), 30_000);
      child.on('message', (message: PublisherReport) => {
        if (message.type !== 'listening') return;
        clearTimeout(timer);
        resolve(message);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`floor publisher exited (${code}) before listening`));
      });
    });
    return new FloorPublisher(child, listening.port, listening.frameBytes);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** Asks it to stop; SIGKILL by PID if it has not exited within 5 s. */
  async stop(): Promise<void> {
    if (this.child.connected) this.child.send({ type: 'stop' });
    else this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
