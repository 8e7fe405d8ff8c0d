/**
 * Nchan (Debian's nginx with libnginx-mod-nchan) for the peers scenario: one
 * nginx master with `workers` worker processes as a child of the bench, from a
 * config rendered into a temporary prefix, on a free loopback port (one
 * `reuseport` listener per worker, so the kernel spreads the connections
 * evenly). WebSocket subscribers at /sub, publishes by HTTP POST to /pub; both
 * name the same channel. Stopped by the master's PID.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openFileLimit } from '../loadgen/open-files.js';
import { freePort } from '../../test/support/processes.js';
import { ServerProcess } from './server-process.js';

export const NGINX = '/usr/sbin/nginx';
export const NCHAN_MODULE = '/usr/lib/nginx/modules/ngx_nchan_module.so';
export const NCHAN_CHANNEL = 'peers';
/** Descriptors a worker keeps for everything but client connections (its listener, the channel to the master, logs). */
const RESERVED_FILES = 100;

export interface NginxConfigOptions {
  /** The prefix directory (-p): temp paths, pid file. */
  prefix: string;
  port: number;
  workers: number;
  /** Open files per worker (worker_rlimit_nofile); worker_connections is this less a reserve. */
  openFiles: number;
}

/** nginx.conf for Nchan: nothing from /etc/nginx, everything under the prefix, errors to stderr. */
export function renderNginxConfig(options: NginxConfigOptions): string {
  const { prefix, port, workers, openFiles } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new Error('nginx config: workers must be a whole number ≥ 1');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('nginx config: port out of range');
  if (openFiles <= RESERVED_FILES) throw new Error(`nginx config: openFiles must exceed ${RESERVED_FILES}`);
  const temp = (name: string) => `${name}_temp_path ${join(prefix, 'temp', name)};`;
  return `# Rendered by bench/peers/nchan.ts for the peers benchmark.
load_module ${NCHAN_MODULE};
daemon off;
worker_processes ${workers};
worker_rlimit_nofile ${openFiles};
pid ${join(prefix, 'nginx.pid')};
error_log stderr warn;

events {
  worker_connections ${openFiles - RESERVED_FILES};
}

http {
  access_log off;
  ${temp('client_body')}
  ${temp('proxy')}
  ${temp('fastcgi')}
  ${temp('uwsgi')}
  ${temp('scgi')}
  # Messages live in shared memory; keep only the last one, briefly: the subscribers are all connected.
  nchan_shared_memory_size 128m;
  nchan_message_buffer_length 1;
  nchan_message_timeout 10s;

  server {
    listen 127.0.0.1:${port} reuseport;

    location = /sub {
      nchan_subscriber websocket;
      nchan_channel_id ${NCHAN_CHANNEL};
    }

    location = /pub {
      nchan_publisher http;
      nchan_channel_id ${NCHAN_CHANNEL};
    }

    location = /healthz {
      return 200 "ok\\n";
    }
  }
}
`;
}

/** Writes the config and its temp directories under `prefix`; returns the config file's path. */
export async function writeNginxConfig(options: NginxConfigOptions): Promise<string> {
  await mkdir(join(options.prefix, 'temp'), { recursive: true });
  const file = join(options.prefix, 'nginx.conf');
  await writeFile(file, renderNginxConfig(options));
  return file;
}

/** `nginx -t` on a config: whether it passed, and what nginx said (it reports on stderr). */
export function testNginxConfig(prefix: string, configFile: string): { ok: boolean; output: string } {
  const result = spawnSync(NGINX, ['-t', '-e', 'stderr', '-p', prefix, '-c', configFile], { encoding: 'utf8' });
  if (result.error) return { ok: false, output: result.error.message };
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

export function nchanInstalled(): boolean {
  return existsSync(NGINX) && existsSync(NCHAN_MODULE);
}

/** Installs Debian's nginx and libnginx-mod-nchan with apt-get when missing (the package lists are refreshed if the install fails). */
export async function installNchan(progress: (line: string) => void): Promise<void> {
  if (nchanInstalled()) return;
  progress('nchan: installing nginx and libnginx-mod-nchan with apt-get');
  const run = promisify(execFile);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    run('apt-get', ['install', '-y', '--no-install-recommends', 'nginx', 'libnginx-mod-nchan'], { env, timeout: 600_000, maxBuffer: 16 << 20 });
  try {
    await install();
  } catch {
    await run('apt-get', ['update'], { env, timeout: 600_000, maxBuffer: 16 << 20 });
    await install();
  }
  if (!nchanInstalled()) throw new Error(`nchan: ${NGINX} or ${NCHAN_MODULE} still missing after apt-get install`);
}

/** PIDs of the processes whose parent is `parent` (from /proc). */
export async function childrenOf(parent: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export class NchanServer {
  private constructor(
    private readonly master: ServerProcess,
    readonly port: number,
    private readonly prefix: string,
    /** The worker processes (they hold the connections). */
    readonly workerPids: number[],
  ) {}

  static async start(workers: number): Promise<NchanServer> {
    const prefix = await mkdtemp(join(tmpdir(), 'waitroom-nchan-'));
    const port = await freePort();
    const openFiles = Math.min(openFileLimit(), 1 << 20);
    const configFile = await writeNginxConfig({ prefix, port, workers, openFiles: Number.isFinite(openFiles) ? openFiles : 65_536 });
    const master = new ServerProcess('nginx', NGINX, ['-e', 'stderr', '-p', prefix, '-c', configFile]);
    try {
      await master.waitForHttp(`http://127.0.0.1:${port}/healthz`, 15_000);
      let pids: number[] = [];
      for (let tries = 0; tries < 50 && pids.length < workers; tries++) {
        pids = await childrenOf(master.pid);
        if (pids.length < workers) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (pids.length < workers) throw master.failure(`${pids.length} of ${workers} workers running`);
      return new NchanServer(master, port, prefix, pids);
    } catch (error) {
      await master.stop(2000);
      await rm(prefix, { recursive: true, force: true });
      throw error;
    }
  }

  get masterPid(): number {
    return this.master.pid;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/sub`;
  }

  /** Publishes one message to the channel (POST /pub). */
  async publish(body: string): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${this.port}/pub`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    const text = await response.text();
    if (response.status !== 201 && response.status !== 202) throw new Error(`nchan: publish answered ${response.status}: ${text.slice(0, 200)}`);
  }

  async stop(): Promise<void> {
    await this.master.stop();
    await rm(this.prefix, { recursive: true, force: true });
  }
}
