/**
 * A private PostgreSQL 15 cluster for tests that crash the database: initdb
 * into a temp dir, a postmaster on a free port of 127.0.0.1 (its unix socket
 * in the temp dir too), fsync and synchronous_commit on, since the point of
 * such a test is durability. `stopImmediate()` is `pg_ctl stop -m immediate`
 * (no checkpoint, the next start runs crash recovery from the WAL), `start()`
 * starts it again on the same dir and port. The shared server on 5432 is never
 * touched.
 *
 * initdb refuses to run as root: as root, every PostgreSQL binary runs as the
 * `postgres` user (runuser), the temp dir chowned to it. Every cluster started
 * here is destroyed (stopped, its dir removed) by `destroyPrivatePostgres()`
 * (call it in afterAll) even when a test failed half-way; should the test
 * process exit first, its 'exit' handler stops each postmaster by PID
 * (SIGQUIT: immediate shutdown) and removes the dir.
 */
import { execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes.js';

const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const OS_USER = 'postgres';
/** initdb with fsync takes a few seconds on a loaded machine; crash recovery after an immediate stop about one. */
const INITDB_TIMEOUT_MS = 60_000;
const START_TIMEOUT_S = 30;
const STOP_TIMEOUT_S = 15;
const LOG_TAIL_LINES = 40;

export interface PrivatePostgres {
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication) */
  readonly url: string;
  /** The temp dir: data/, the socket and server.log. */
  readonly dir: string;
  readonly running: boolean;
  /** The URL of database `name` on this cluster. */
  urlOf(name: string): string;
  /** Starts the postmaster (again, after stopImmediate: it recovers from its WAL); resolves once it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m immediate`: every backend is ended at once, nothing is checkpointed. */
  stopImmediate(): Promise<void>;
  /** Stops it (fast) if running and removes its dir. */
  destroy(): Promise<void>;
  /** The server log's last lines. */
  logTail(): Promise<string>;
  /** The whole server log, every run of it. */
  serverLog(): Promise<string>;
}

const asRoot = process.getuid?.() === 0;
const clusters = new Set<ManagedPostgres>();
process.once('exit', () => {
  for (const cluster of clusters) cluster.destroyNow();
});

/** [file, args] running a PostgreSQL binary as the right OS user. */
function command(binary: string, args: readonly string[]): [string, string[]] {
  const path = join(BIN, binary);
  return asRoot ? ['runuser', ['-u', OS_USER, '--', path, ...args]] : [path, [...args]];
}

async function run(binary: string, args: readonly string[], timeoutMs: number): Promise<string> {
  const [file, argv] = command(binary, args);
  try {
    const { stdout, stderr } = await promisify(execFile)(file, argv, { timeout: timeoutMs, killSignal: 'SIGKILL' });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${binary} ${args.join(' ')} failed: ${message}\n${stdout}${stderr}`);
  }
}

class ManagedPostgres implements PrivatePostgres {
  readonly url: string;
  private postmasterPid = 0;
  private removed = false;

  constructor(
    readonly port: number,
    readonly dir: string,
  ) {
    this.url = this.urlOf('postgres');
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  private get logFile(): string {
    return join(this.dir, 'server.log');
  }

  get running(): boolean {
    return this.postmasterPid !== 0;
  }

  urlOf(name: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  async init(): Promise<void> {
    await run('initdb', ['-D', this.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'], INITDB_TIMEOUT_MS);
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`private PostgreSQL on port ${this.port} is already running (pid ${this.postmasterPid})`);
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=on',
      '-c synchronous_commit=on',
      '-c full_page_writes=on',
      '-c shared_buffers=16MB',
      '-c max_connections=50',
    ].join(' ');
    // pg_ctl leaves the postmaster running in the background: no pipes that would stay open with it.
    const [file, argv] = command('pg_ctl', ['start', '-w', '-t', String(START_TIMEOUT_S), '-D', this.data, '-l', this.logFile, '-o', options]);
    const code = await new Promise<number | string>((resolve) => {
      const child = spawn(file, argv, { stdio: 'ignore' });
      child.once('error', (error) => resolve(error.message));
      child.once('exit', (status, signal) => resolve(status ?? signal ?? 'unknown'));
    });
    if (code !== 0) throw new Error(`pg_ctl start on port ${this.port} failed (${code})\n--- server log ---\n${await this.logTail()}`);
    const pidLine = (await readFile(join(this.data, 'postmaster.pid'), 'utf8')).split('\n')[0];
    this.postmasterPid = Number(pidLine);
  }

  async stopImmediate(): Promise<void> {
    await this.stop('immediate');
  }

  private async stop(mode: 'immediate' | 'fast'): Promise<void> {
    if (!this.running) return;
    await run('pg_ctl', ['stop', '-m', mode, '-w', '-t', String(STOP_TIMEOUT_S), '-D', this.data], (STOP_TIMEOUT_S + 5) * 1000);
    this.postmasterPid = 0;
  }

  async destroy(): Promise<void> {
    try {
      await this.stop('fast');
    } finally {
      this.destroyNow();
    }
  }

  /** Synchronous, for the 'exit' handler: SIGQUIT by PID (immediate shutdown), then the dir removed. */
  destroyNow(): void {
    if (this.running) {
      try {
        process.kill(this.postmasterPid, 'SIGQUIT');
      } catch {
        // Already gone.
      }
      this.postmasterPid = 0;
    }
    clusters.delete(this);
    if (!this.removed) {
      this.removed = true;
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  async serverLog(): Promise<string> {
    return readFile(this.logFile, 'utf8').catch(() => '(no server log)');
  }

  async logTail(): Promise<string> {
    return (await this.serverLog()).split('\n').slice(-LOG_TAIL_LINES).join('\n');
  }
}

/** initdb and start a new private cluster; resolves once it accepts connections. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'waitroom-pg-'));
  if (asRoot) {
    const idOf = async (flag: string) => Number((await promisify(execFile)('id', [flag, OS_USER])).stdout.trim());
    await chown(dir, await idOf('-u'), await idOf('-g'));
  }
  // A port free a moment ago may be taken by a concurrent test before the postmaster binds it: try another.
  for (let attempt = 1; ; attempt++) {
    const cluster = new ManagedPostgres(await freePort(), dir);
    clusters.add(cluster);
    try {
      if (attempt === 1) await cluster.init();
      await cluster.start();
      return cluster;
    } catch (error) {
      const portTaken = /could not bind|Address already in use/.test(`${(error as Error).message}`);
      clusters.delete(cluster);
      if (!portTaken || attempt >= 3) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
      await rm(join(dir, 'server.log'), { force: true });
    }
  }
}

/** For afterAll: destroys every cluster started here. */
export async function destroyPrivatePostgres(): Promise<void> {
  await Promise.all([...clusters].map((cluster) => cluster.destroy()));
}
