/**
 * Debian's HAProxy on the shipped configuration (deploy/haproxy/), for tests: `haproxy -c` on it, and the
 * same files run in front of local ports. Running them changes only addresses: each `bind :P` gets a free
 * local port, each `server NAME HOST:PORT` the local port a test gives NAME, the certificate path the test's
 * own; timeouts, checks and routing stay as shipped. Stopped by PID (stopHaproxy, or the exit handler).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './processes.js';

export const HAPROXY = '/usr/sbin/haproxy';
export const SHARED_CONFIG = 'deploy/haproxy/haproxy.cfg';
export const HTTP_FRONTEND = 'deploy/haproxy/frontend-http.cfg';
export const TLS_FRONTEND = 'deploy/haproxy/frontend-tls.cfg';
export const SHIPPED_CERTIFICATE = '/etc/haproxy/certs/waitroom.pem';

export interface CheckResult {
  status: number | null;
  output: string;
  /** WARNING lines, without the ones about host names that resolve only where the gateways run. */
  warnings: string[];
}

export function checkConfig(files: readonly string[]): CheckResult {
  const result = spawnSync(HAPROXY, ['-c', ...files.flatMap((file) => ['-f', file])], { encoding: 'utf8' });
  if (result.error) throw result.error;
  const output = `${result.stdout}${result.stderr}`;
  const warnings = output.split('\n').filter((line) => line.includes('[WARNING]') && !/could not resolve address '[a-z0-9-]+', disabling server/.test(line));
  return { status: result.status, output, warnings };
}

/** A self-signed certificate and key in one PEM file (HAProxy's `crt`), for these names; the CA is the certificate. */
export function selfSignedCertificate(dir: string, names: readonly string[]): { pemFile: string; ca: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${names[0]}`,
      '-addext',
      `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}`,
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'pipe' },
  );
  const pemFile = join(dir, 'waitroom.pem');
  writeFileSync(pemFile, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
  return { pemFile, ca: readFileSync(cert, 'utf8') };
}

export interface LocalAddresses {
  /** Local port of each `server` by its name (gateway-1, reservations, …); every server must have one. */
  servers: Readonly<Record<string, number>>;
  certificate?: string;
}

export interface RunningHaproxy {
  pid: number;
  /** Local port of each shipped bind port (8080 → 41234). */
  ports: ReadonlyMap<number, number>;
  output(): string;
}

/** The shipped text with local addresses; the bind ports chosen are returned beside it. */
export async function localConfig(text: string, addresses: LocalAddresses): Promise<{ text: string; ports: Map<number, number> }> {
  const ports = new Map<number, number>();
  for (const match of text.matchAll(/^\s*bind :(\d+)/gm)) ports.set(Number(match[1]), await freePort());
  const local = text
    .replace(/^(\s*bind ):(\d+)/gm, (_all, head: string, port: string) => `${head}127.0.0.1:${ports.get(Number(port))}`)
    .replace(/^(\s*server (\S+) )\S+/gm, (_all, head: string, name: string) => {
      const port = addresses.servers[name];
      if (port === undefined) throw new Error(`no local port given for server ${name}`);
      return `${head}127.0.0.1:${port}`;
    })
    // No Docker DNS here: the servers are addresses already.
    .replace(/ resolvers docker/g, '')
    .replaceAll(SHIPPED_CERTIFICATE, addresses.certificate ?? SHIPPED_CERTIFICATE);
  return { text: local, ports };
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Runs the shipped files (in this order) on local addresses; resolves once every frontend accepts connections. */
export async function startHaproxy(dir: string, files: readonly string[], addresses: LocalAddresses): Promise<RunningHaproxy> {
  const ports = new Map<number, number>();
  const localFiles: string[] = [];
  for (const [index, file] of files.entries()) {
    const local = await localConfig(readFileSync(file, 'utf8'), addresses);
    for (const [shipped, port] of local.ports) ports.set(shipped, port);
    const path = join(dir, `${index}-${file.split('/').pop()}`);
    writeFileSync(path, local.text);
    localFiles.push(path);
  }
  const child = spawn(HAPROXY, ['-db', ...localFiles.flatMap((file) => ['-f', file])], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.once('exit', () => running.delete(child));
  for (const port of ports.values()) await waitForListener(port, () => output, child);
  return { pid: child.pid!, ports, output: () => output };
}

export async function stopHaproxy(haproxy: RunningHaproxy): Promise<void> {
  const child = [...running].find((candidate) => candidate.pid === haproxy.pid);
  if (!child) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function waitForListener(port: number, output: () => string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`haproxy exited ${child.exitCode}:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`haproxy did not listen on ${port}:\n${output()}`);
}
