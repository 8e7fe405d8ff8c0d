/**
 * A peer server (Soketi, nginx) as a child process of the bench: its output's
 * tail kept for error messages, readiness by an HTTP answer, and stopping by
 * its PID only (SIGTERM, then SIGKILL after a grace period; server/main/child-node.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { stopNodes, type ExitStatus, type Stoppable } from '../../server/main/child-node.js';
import { pollUntil } from '../../test/support/cluster-flow.js';

const TAIL_LINES = 100;

export class ServerProcess implements Stoppable {
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | null = null;
  private readonly tail: string[] = [];

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ) {
    const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve((this.status = code ?? signal ?? 'SIGKILL')));
      child.once('error', (error) => {
        this.record(`spawn failed: ${error.message}`);
        resolve((this.status = 127));
      });
    });
    for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (line) => this.record(line));
    this.pid = child.pid ?? -1;
    this.child = child;
  }

  readonly pid: number;
  private readonly child: ChildProcess;

  kill(signal: NodeJS.Signals): boolean {
    return this.status === null && this.child.kill(signal);
  }

  output(): string {
    return this.tail.join('\n');
  }

  /** Resolves once `url` answers 200; throws with the output when the process exits first or time runs out. */
  async waitForHttp(url: string, timeoutMs: number): Promise<void> {
    const answers = async () => {
      if (this.status !== null) throw this.failure(`exited (${this.status}) before ${url} answered`);
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) }).catch(() => null);
      await response?.body?.cancel();
      return response?.status === 200;
    };
    await pollUntil(answers, timeoutMs, `200 from ${url}`, 100).catch((error: Error) => {
      throw error.message.startsWith(this.name) ? error : this.failure(error.message);
    });
  }

  failure(what: string): Error {
    return new Error(`${this.name} (pid ${this.pid}): ${what}\n--- last output ---\n${this.output()}`);
  }

  stop(graceMs = 5000): Promise<void> {
    return stopNodes([this], graceMs);
  }

  private record(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }
}
