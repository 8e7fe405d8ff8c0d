/**
 * Soketi (`@soketi/soketi`, a Pusher-protocol server on uWebSockets.js) for the
 * peers scenario. Installed once by `npm install` into a scratch folder outside
 * the repository, with an npm `overrides` entry giving it the uWebSockets.js
 * build this project uses (Soketi's own needs a newer glibc than Debian 12's);
 * the package's JavaScript fallback would measure something else, so a server
 * that did not map the native binary is refused.
 *
 * Each process is one Soketi with one app on its own port (the local adapter:
 * no Redis between processes); subscribers join one public channel, and each
 * frame is one event published to each process through the HTTP API.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../../test/support/processes.js';
import { signedQuery } from './pusher-signature.js';
import { ServerProcess } from './server-process.js';

export const SOKETI_VERSION = '1.6.1';
export const SOKETI_DIR = join(homedir(), '.cache', 'waitroom', 'bench', 'soketi');
export const SOKETI_CHANNEL = 'peers';
export const SOKETI_EVENT = 'tick';
const APP_ID = 'bench';
const APP_KEY = 'bench-key';

const REPO_PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url));
/** Preloaded into each Soketi: SIGUSR2 collects garbage, so its memory is read as a gateway's is. */
export const GC_ON_SIGNAL = fileURLToPath(new URL('./gc-on-signal.cjs', import.meta.url));

/** The uWebSockets.js this project depends on (package.json), as an npm spec. */
export function projectUwsSpec(): string {
  const spec = (JSON.parse(readFileSync(REPO_PACKAGE, 'utf8')) as { dependencies: Record<string, string> }).dependencies['uWebSockets.js'];
  if (!spec) throw new Error('package.json has no uWebSockets.js dependency');
  return spec;
}

/** The scratch folder's package.json: Soketi, its uWebSockets.js overridden. */
export function soketiManifest(uwsSpec = projectUwsSpec()): string {
  return `${JSON.stringify(
    { name: 'waitroom-bench-soketi', private: true, dependencies: { '@soketi/soketi': SOKETI_VERSION }, overrides: { 'uWebSockets.js': uwsSpec } },
    null,
    2,
  )}\n`;
}

function serverScript(dir: string): string {
  return join(dir, 'node_modules', '@soketi', 'soketi', 'bin', 'server.js');
}

/** True when `dir` holds this Soketi installed with this manifest. */
export function soketiInstalled(dir = SOKETI_DIR): boolean {
  const stamp = join(dir, 'installed-manifest.json');
  return existsSync(serverScript(dir)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === soketiManifest();
}

/** Installs Soketi into `dir` unless already there (npm install, about a minute and 300 MB); returns its server script. */
export async function installSoketi(progress: (line: string) => void, dir = SOKETI_DIR): Promise<string> {
  if (soketiInstalled(dir)) return serverScript(dir);
  progress(`soketi: installing @soketi/soketi@${SOKETI_VERSION} into ${dir} (once)`);
  await mkdir(dir, { recursive: true });
  const manifest = soketiManifest();
  await writeFile(join(dir, 'package.json'), manifest);
  // No install scripts: nothing Soketi runs needs building, and uWebSockets.js ships its binaries.
  await promisify(execFile)('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev', '--no-package-lock'], {
    cwd: dir,
    timeout: 600_000,
    maxBuffer: 16 << 20,
  });
  const uws = JSON.parse(await readFile(join(dir, 'node_modules', 'uWebSockets.js', 'package.json'), 'utf8')) as { name: string; version: string };
  if (!manifest.includes(`${uws.name}@${uws.version}`)) throw new Error(`soketi: the override did not apply (uWebSockets.js is ${uws.name}@${uws.version})`);
  await writeFile(join(dir, 'installed-manifest.json'), manifest);
  return serverScript(dir);
}

export class SoketiServer {
  private constructor(
    private readonly process: ServerProcess,
    readonly port: number,
    private readonly secret: string,
  ) {}

  /** Starts one Soketi process on a free loopback port; resolves once it answers and has loaded the native uWS binary. */
  static async start(script: string, name = 'soketi'): Promise<SoketiServer> {
    const port = await freePort();
    const secret = randomBytes(16).toString('hex');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SOKETI_HOST: '127.0.0.1',
      SOKETI_PORT: String(port),
      SOKETI_DEFAULT_APP_ID: APP_ID,
      SOKETI_DEFAULT_APP_KEY: APP_KEY,
      SOKETI_DEFAULT_APP_SECRET: secret,
      SOKETI_METRICS_ENABLED: 'false',
      SOKETI_DEBUG: 'false',
    };
    const child = new ServerProcess(name, process.execPath, ['--require', GC_ON_SIGNAL, script, 'start'], { cwd: join(script, '..', '..'), env });
    const server = new SoketiServer(child, port, secret);
    try {
      await child.waitForHttp(`http://127.0.0.1:${port}/`, 30_000);
      const maps = await readFile(`/proc/${child.pid}/maps`, 'utf8');
      if (!/uws_linux_[^/\s]+\.node/.test(maps)) throw child.failure('runs without the native uWebSockets.js binary (the JavaScript fallback)');
    } catch (error) {
      await child.stop(2000);
      throw error;
    }
    return server;
  }

  get pid(): number {
    return this.process.pid;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/app/${APP_KEY}?protocol=7&client=waitroom-bench&version=1`;
  }

  /** What a subscriber sends once connected. */
  static readonly subscribe = JSON.stringify({ event: 'pusher:subscribe', data: { channel: SOKETI_CHANNEL } });
  /** A Pusher client's ping after its activity timeout. */
  static readonly ping = JSON.stringify({ event: 'pusher:ping', data: {} });

  /** The WebSocket message a subscriber receives for an event carrying `data`. */
  static delivered(data: string): string {
    return JSON.stringify({ event: SOKETI_EVENT, channel: SOKETI_CHANNEL, data });
  }

  /** Publishes one event to the channel through the HTTP API (POST /apps/<id>/events, signed). */
  async publish(data: string): Promise<void> {
    const path = `/apps/${APP_ID}/events`;
    const body = JSON.stringify({ name: SOKETI_EVENT, channels: [SOKETI_CHANNEL], data });
    const query = signedQuery({ method: 'POST', path, body, key: APP_KEY, secret: this.secret, timestamp: Math.floor(Date.now() / 1000) });
    const response = await fetch(`http://127.0.0.1:${this.port}${path}?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`soketi: publish answered ${response.status}: ${text.slice(0, 200)}`);
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
