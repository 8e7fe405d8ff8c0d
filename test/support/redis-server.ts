/**
 * Private redis-server processes for tests that crash Redis or need a Redis
 * Cluster: each on a free port, in a temp dir of its own, `--save ""`, bound to
 * 127.0.0.1, spawned as a child (never daemonized) so it is stopped by PID.
 * The shared Redis at REDIS_URL is never touched.
 *
 * Every server started here is stopped (and its dir removed) by
 * `stopRedisServers()` (call it in afterAll) even when a test failed half-way;
 * should the test process exit first, its 'exit' handler SIGKILLs whatever
 * still runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes.js';

export { startRedisCluster, type RedisCluster } from './redis-cluster.js';

export const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3000;
const TAIL_LINES = 100;

export interface RedisServerOptions {
  appendonly: boolean;
  /** Default 'everysec' (Redis's own default). */
  appendfsync?: 'always' | 'everysec';
  /** A cluster-enabled node (`nodes.conf` in its dir); join it with startRedisCluster (./redis-cluster.ts). */
  cluster?: boolean;
  /** A cluster node's `cluster-node-timeout` (default 5000): how long unreachable before it counts as failed. */
  clusterNodeTimeoutMs?: number;
  /** `cluster-require-full-coverage` (default yes, Redis's own): no answers at all while any slot has no live master. */
  clusterRequireFullCoverage?: boolean;
}

/** The signal that ended a redis-server, or its exit code. */
export type RedisExit = number | NodeJS.Signals;

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** Its working dir: the AOF (appendonlydir/) and nodes.conf live here. */
  readonly dir: string;
  /** The PID of the current run (a restart has a new one). */
  readonly pid: number;
  readonly running: boolean;
  /** Signals the current PID and resolves once it has exited; at once when it already had. */
  kill(signal?: NodeJS.Signals): Promise<RedisExit>;
  /** Starts it again on the same port and dir (it loads its AOF); resolves once PING answers PONG. */
  restart(): Promise<void>;
  /** SIGTERM, SIGKILL after a grace period, then removes its dir. */
  stop(): Promise<void>;
  /** The last output lines of the current run (Redis logs to stdout). */
  output(): string;
}

interface Run {
  child: ChildProcess;
  exited: Promise<RedisExit>;
  status: RedisExit | null;
  tail: string[];
  /** Its "Ready to accept connections" line has arrived: the start-up log (e.g. how the AOF loaded) is complete. */
  logged: boolean;
}

const servers = new Set<ManagedRedis>();
process.once('exit', () => {
  for (const server of servers) server.killNow();
});

class ManagedRedis implements RedisServer {
  readonly url: string;
  private run: Run | null = null;
  private removed = false;

  constructor(
    readonly port: number,
    readonly dir: string,
    private readonly configFile: string,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  get pid(): number {
    return this.run?.child.pid ?? 0;
  }

  get running(): boolean {
    return this.run !== null && this.run.status === null;
  }

  output(): string {
    return this.run?.tail.join('\n') ?? '';
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`redis-server on port ${this.port} is already running (pid ${this.pid})`);
    const child = spawn('redis-server', [this.configFile], { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { child, status: null, tail: [], logged: false, exited: null as unknown as Promise<RedisExit> };
    run.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        run.status = code ?? signal ?? 'SIGKILL';
        resolve(run.status);
      });
      child.once('error', (error) => {
        run.tail.push(`spawn error: ${error.message}`);
        run.status ??= 'SIGKILL';
        resolve(run.status);
      });
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => {
        run.tail.push(...text.split('\n').filter(Boolean));
        run.logged ||= text.includes('Ready to accept connections');
        if (run.tail.length > TAIL_LINES) run.tail.splice(0, run.tail.length - TAIL_LINES);
      });
    }
    this.run = run;
    await this.waitForPong(run);
  }

  restart(): Promise<void> {
    return this.start();
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<RedisExit> {
    const run = this.run;
    if (!run) throw new Error('never started');
    if (run.status === null) {
      try {
        process.kill(run.child.pid!, signal);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    return run.exited;
  }

  /** For the 'exit' handler: synchronous, by PID. */
  killNow(): void {
    if (this.running) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }

  async stop(): Promise<void> {
    const run = this.run;
    if (run && run.status === null) {
      process.kill(run.child.pid!, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)));
      await Promise.race([run.exited, grace]);
      clearTimeout(timer);
      if (run.status === null) await this.kill('SIGKILL');
    }
    servers.delete(this);
    if (!this.removed) {
      this.removed = true;
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  /**
   * PING until +PONG (a server loading its AOF answers -LOADING), and its
   * start-up log read; fails when the process exits first.
   */
  private async waitForPong(run: Run): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (run.status !== null) throw this.failure(`exited (${run.status}) before answering PING`);
      try {
        if (last !== 'PONG') last = await redisCommand(this.port, ['PING']);
        if (last === 'PONG' && run.logged) return;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(50);
    }
    throw this.failure(`no PONG within ${READY_TIMEOUT_MS} ms (${last})`);
  }

  private failure(what: string): Error {
    return new Error(`redis-server on port ${this.port} (pid ${this.pid}): ${what}\n--- last output ---\n${this.output()}`);
  }
}

function configText(port: number, dir: string, options: RedisServerOptions): string {
  const lines = [
    `port ${port}`,
    'bind 127.0.0.1',
    'daemonize no',
    `dir ${dir}`,
    'save ""',
    'logfile ""',
    `appendonly ${options.appendonly ? 'yes' : 'no'}`,
    `appendfsync ${options.appendfsync ?? 'everysec'}`,
  ];
  if (options.cluster)
    lines.push(
      'cluster-enabled yes',
      'cluster-config-file nodes.conf',
      `cluster-node-timeout ${options.clusterNodeTimeoutMs ?? 5000}`,
      `cluster-require-full-coverage ${options.clusterRequireFullCoverage === false ? 'no' : 'yes'}`,
    );
  return `${lines.join('\n')}\n`;
}

/** Starts one redis-server; resolves once it answers PING. */
export async function startRedisServer(options: RedisServerOptions): Promise<RedisServer> {
  // A port free a moment ago may be taken by a concurrent test before Redis binds it: try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'waitroom-redis-'));
    const configFile = join(dir, 'redis.conf');
    await writeFile(configFile, configText(port, dir, options));
    const server = new ManagedRedis(port, dir, configFile);
    servers.add(server);
    try {
      await server.start();
      return server;
    } catch (error) {
      const portTaken = /Address already in use/.test((error as Error).message);
      await server.stop();
      if (!portTaken || attempt >= 3) throw error;
    }
  }
}

/** For afterAll: stops every server started here and removes its dir. */
export async function stopRedisServers(): Promise<void> {
  await Promise.all([...servers].map((server) => server.stop()));
}

/**
 * One command over a fresh connection, its reply as text: a status, an integer
 * or a bulk string; an error reply (e.g. -LOADING) rejects. Enough for PING
 * and CLUSTER INFO while a server starts, before a real client would connect.
 */
export function redisCommand(port: number, args: readonly string[], timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const done = (error: Error | null, reply?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply!);
    };
    const timer = setTimeout(() => done(new Error(`no reply to ${args[0]} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error) => done(error));
    socket.on('connect', () => {
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    });
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const lineEnd = data.indexOf('\r\n');
      if (lineEnd < 0) return;
      const head = data.subarray(1, lineEnd).toString();
      switch (String.fromCharCode(data[0]!)) {
        case '+':
        case ':':
          return done(null, head);
        case '-':
          return done(new Error(head));
        case '$': {
          const length = Number(head);
          if (length < 0) return done(null, '');
          if (data.length >= lineEnd + 2 + length) done(null, data.subarray(lineEnd + 2, lineEnd + 2 + length).toString());
          return;
        }
        default:
          return done(new Error(`unexpected reply ${JSON.stringify(data.toString().slice(0, 40))}`));
      }
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it holds; a check that throws counts as not yet, and its last error is named if time runs out. */
export async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>, pollMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure = '';
    try {
      if (await check()) return;
    } catch (error) {
      failure = ` (${(error as Error).message})`;
    }
    if (Date.now() > deadline) throw new Error(`${what} not within ${timeoutMs} ms${failure}`);
    await sleep(pollMs);
  }
}
