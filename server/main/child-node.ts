/**
 * One Waitroom role as a child process: `node --import tsx server/main/start-<role>.ts`,
 * with no npm wrapper in between, so the PID held is the process that serves
 * and signals reach it. Output arrives line by line and its tail is kept for
 * error messages; stopping is by PID only: SIGTERM, then SIGKILL after a grace
 * period. Used by `npm run cluster` and the multi-process tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type Role = 'gateway' | 'controller' | 'reservations';
/** How a child ended: its exit code, or the signal that ended it. */
export type ExitStatus = number | NodeJS.Signals;

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Output lines kept per child. */
const TAIL_LINES = 200;

export interface SpawnOptions {
  role: Role;
  name: string;
  args?: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Own process group, so a terminal's Ctrl-C reaches only the parent, which then stops the child. */
  detached?: boolean;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export class ChildNode {
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | null = null;
  private readonly tail: string[] = [];
  private lineWaiters: ((line: string) => void)[] = [];

  private constructor(
    readonly role: Role,
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly onLine: SpawnOptions['onLine'],
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        // Recorded synchronously, so kill() never signals a PID that may already be reused.
        this.status = code ?? signal ?? 'SIGKILL';
        resolve(this.status);
      });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream]! }).on('line', (line) => this.record(line, stream));
    }
  }

  static spawn({ role, name, args = [], env, detached = false, onLine }: SpawnOptions): ChildNode {
    const child = spawn(process.execPath, ['--import', 'tsx', `server/main/start-${role}.ts`, ...args], {
      cwd: REPO_ROOT,
      env,
      detached,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) {
      child.once('error', () => {}); // reported by the throw below
      throw new Error(`${name}: could not start ${process.execPath}`);
    }
    const node = new ChildNode(role, name, child, onLine);
    child.on('error', (error) => node.record(`child process error: ${error.message}`, 'stderr'));
    return node;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** How it ended, or null while it runs. */
  exitStatus(): ExitStatus | null {
    return this.status;
  }

  /** Sends `signal` to this PID; false when the process has already exited. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.status !== null) return false;
    try {
      process.kill(this.pid, signal);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw error;
    }
  }

  /** The last output lines, both streams interleaved in arrival order. */
  output(): string {
    return this.tail.join('\n');
  }

  /** The first line (already seen or still to come) containing `text`; rejects when the child exits first or after `timeoutMs`. */
  waitForLine(text: string, timeoutMs: number): Promise<string> {
    const seen = this.tail.find((line) => line.includes(text));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = (error?: Error, line?: string) => {
        clearTimeout(timer);
        this.lineWaiters = this.lineWaiters.filter((w) => w !== waiter);
        if (error) reject(error);
        else resolve(line!);
      };
      const waiter = (line: string) => {
        if (line.includes(text)) done(undefined, line);
      };
      const timer = setTimeout(() => done(this.failure(`no line "${text}" within ${timeoutMs} ms`)), timeoutMs);
      void this.exited.then((status) => done(this.failure(`exited (${status}) before printing "${text}"`)));
      this.lineWaiters.push(waiter);
    });
  }

  /** Resolves once GET `url` answers 200; rejects when the child exits first or after `timeoutMs`. */
  async waitForHealthy(url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.status !== null) throw this.failure(`exited (${this.status}) before ${url} answered`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
        if (response.status === 200) return;
        last = `status ${response.status}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw this.failure(`${url} did not answer 200 within ${timeoutMs} ms (${last})`);
  }

  /** An error naming the child and carrying its recent output. */
  failure(what: string): Error {
    return new Error(`${this.name} (pid ${this.pid}): ${what}\n--- last output of ${this.name} ---\n${this.output()}`);
  }

  private record(line: string, stream: 'stdout' | 'stderr'): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    this.onLine?.(line, stream);
    for (const waiter of [...this.lineWaiters]) waiter(line);
  }
}

/** Anything stopped by PID: a ChildNode, or a test's handle on one. */
export interface Stoppable {
  readonly exited: Promise<ExitStatus>;
  /** Signals the PID; false when the process has already exited. */
  kill(signal: NodeJS.Signals): boolean;
}

/**
 * Stops every one still running: SIGTERM by PID, then SIGKILL by PID for any
 * still running after `graceMs`. Resolves once all have exited.
 */
export async function stopNodes(nodes: readonly Stoppable[], graceMs = 5000): Promise<void> {
  const running = nodes.filter((node) => node.kill('SIGTERM'));
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
  await Promise.race([Promise.all(running.map((node) => node.exited)), graceOver]);
  clearTimeout(timer);
  const stubborn = running.filter((node) => node.kill('SIGKILL'));
  await Promise.all(stubborn.map((node) => node.exited));
}

/** For a process 'exit' handler (synchronous): SIGKILL every child still running. */
export function killNow(nodes: Iterable<Stoppable>): void {
  for (const node of nodes) node.kill('SIGKILL');
}
