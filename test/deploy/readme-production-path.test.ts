/**
 * The README's production path, run as written: the sh block after `<!-- production-path -->` in
 * README.md is read from the file (so the test fails when the README drifts) and every command in it is
 * run in order in a copy of this repository's sources (so its `npm run build` does not empty the dist/client
 * that the browser tests of the same run are reading; node_modules is linked), with only what must differ on a
 * shared test machine substituted:
 * /etc/waitroom becomes a temp dir, each port a free one, the PostgreSQL URL a database of this test's own,
 * and the Redis a private one (appendfsync always, which the reservation handler insists on). `npm ci` is
 * the one command not run: node_modules is this checkout's already (common rules: no installs here).
 * The "then edit" step after copying waitroom.json is done in code, field by field as the README names
 * them; the HAProxy line runs the shipped files with the `server` lines pointed at the local ports, which
 * is the edit the README describes below the block (test/support/haproxy.ts). Then, through HAProxy: the
 * waiting page and the SDK are served (the build ran), a WebSocket joins the example opening (ticket 1),
 * /readyz passes on every gateway, both controllers and the reservation handler.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/cluster-flow.js';
import { startHaproxy, stopHaproxy, type RunningHaproxy } from '../support/haproxy.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { freePort } from '../support/processes.js';
import { startRedisServer, stopRedisServers } from '../support/redis-server.js';
import { TestClient } from '../support/ws-client.js';

const MARKER = '<!-- production-path -->';

/** The commands of the README's production block, comments and blank lines removed. */
export function productionCommands(readme: string): string[] {
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md has no ${MARKER} marker`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`no sh block after ${MARKER}`);
  return block[1]!
    .split('\n')
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

const dir = mkdtempSync(join(tmpdir(), 'waitroom-readme-'));
/** Where the block runs: what a fresh clone holds for it (sources, deploy files, manifests), and this checkout's node_modules. */
const checkout = join(dir, 'checkout');
function copyCheckout(): void {
  for (const entry of ['client', 'shared', 'server', 'packages', 'deploy', 'package.json', 'package-lock.json', 'tsconfig.json'])
    cpSync(entry, join(checkout, entry), { recursive: true, filter: (source) => !/[\\/]dist$/.test(source) });
  symlinkSync(resolve('node_modules'), join(checkout, 'node_modules'));
}
const background: { command: string; child: ChildProcess; output: string[] }[] = [];
let haproxy: RunningHaproxy | null = null;
let database: TestDatabase | null = null;

/** Stops a background command's whole process group (npm → node) by its id, then waits for it. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

afterAll(async () => {
  if (haproxy) await stopHaproxy(haproxy);
  await Promise.all(background.map(({ child }) => stopGroup(child)));
  await stopRedisServers();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** The README's edit of the copied waitroom.json ("hosts, URLs, trustProxy, the keys' paths"), for this machine. */
function editConfig(path: string, redisUrl: string, bookingsUrl: string, controllerPort: number): void {
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
  for (const role of ['gateway', 'reservations', 'controller']) config[role].host = '127.0.0.1';
  config.gateway.trustProxy = ['127.0.0.1'];
  config.controller.port = controllerPort;
  config.store.redisUrl = redisUrl;
  config.store.bookingsUrl = bookingsUrl;
  const keyFile = (value: string) => value.replace('file:/run/secrets/', `file:${dir}/keys/`);
  for (const part of [config.keys.grant.privateKeys, config.keys.grant.publicKeys, config.keys.ticket.secrets])
    for (const id of Object.keys(part)) part[id] = keyFile(part[id]);
  config.eventsFile = config.eventsFile.replace('/etc/waitroom', dir);
  writeFileSync(path, JSON.stringify(config, null, 2));
}

/** The README's "edit for yours" of the copied events.json: the example opening opens an hour ago (Asia/Seoul, UTC+9). */
function openNow(path: string): void {
  const file = JSON.parse(readFileSync(path, 'utf8')) as { events: { timeZone: string; opensAt: string }[] };
  for (const event of file.events) {
    expect(event.timeZone).toBe('Asia/Seoul');
    event.opensAt = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 16);
  }
  writeFileSync(path, JSON.stringify(file, null, 2));
}

describe("the README's production path", () => {
  it('runs from the build to 3 gateways, 2 controllers and the reservation handler behind HAProxy', { timeout: 120_000 }, async () => {
    const commands = productionCommands(readFileSync('README.md', 'utf8'));
    copyCheckout();
    expect(commands[0]).toMatch(/^npm ci\b/);
    const redis = await startRedisServer({ appendonly: true, appendfsync: 'always' });
    database = await createTestDatabase();
    // Each port the block names gets a free one; the controller without CONTROLLER_PORT uses the config's.
    const ports = new Map<string, number>();
    for (const match of commands.join('\n').matchAll(/(?:PORT=|--port )(\d{4,5})\b/g)) ports.set(match[1]!, await freePort());
    const configControllerPort = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' };
    for (const name of ['WAITROOM_CONFIG', 'REDIS_URL', 'BOOKINGS_URL', 'PORT', 'NODE_ID', 'DRAIN_SECONDS']) delete env[name];
    const local = (command: string) =>
      command
        .replaceAll('/etc/waitroom', dir)
        .replace(/postgres:\/\/\S+/g, database!.url)
        .replace(/(PORT=|--port )(\d{4,5})\b/g, (_all, head: string, port: string) => `${head}${ports.get(port)}`);

    let haproxyCommand = '';
    for (const command of commands.slice(1)) {
      const run = local(command);
      const exported = /^export (\w+)=(\S+)$/.exec(run);
      if (exported) env[exported[1]!] = exported[2]!;
      else if (run.startsWith('haproxy ')) haproxyCommand = run;
      else if (run.endsWith('&')) {
        const child = spawn('sh', ['-c', run.slice(0, -1).trim()], { cwd: checkout, detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
        const output: string[] = [];
        child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
        child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
        background.push({ command, child, output });
      } else {
        execSync(run, { cwd: checkout, env, stdio: 'pipe', timeout: 90_000 });
        if (/^cp \S+waitroom\.json /.test(command)) editConfig(run.split(' ')[2]!, redis.url, database.url, configControllerPort);
        if (/^cp \S+events\.json /.test(command)) openNow(run.split(' ')[2]!);
      }
    }

    // What the block started: 3 gateways, 2 controllers, the reservation handler, each ready on its port.
    const portOf = (command: string) => Number(/(?:PORT=|--port )(\d+)/.exec(local(command))?.[1] ?? configControllerPort);
    const gateways = background.filter(({ command }) => command.includes('npm run gateway'));
    const controllers = background.filter(({ command }) => command.includes('npm run controller'));
    const reservations = background.filter(({ command }) => command.includes('npm run reservations'));
    expect([gateways.length, controllers.length, reservations.length]).toEqual([3, 2, 1]);
    for (const node of background) {
      const url = `http://127.0.0.1:${portOf(node.command)}/readyz`;
      await pollUntil(
        async () => {
          if (node.child.exitCode !== null) throw new Error(`${node.command} exited ${node.child.exitCode}:\n${node.output.join('')}`);
          return (await fetch(url).catch(() => null))?.status === 200;
        },
        30_000,
        `200 from ${url} (${node.command})`,
        200,
      );
    }

    // The HAProxy line, on the shipped files, its servers pointed at the gateways' and the handler's ports.
    const files = [...haproxyCommand.matchAll(/-f (\S+)/g)].map((match) => match[1]!);
    expect(files).toEqual(['deploy/haproxy/haproxy.cfg', 'deploy/haproxy/frontend-http.cfg']);
    const servers = Object.fromEntries(gateways.map((gateway, k) => [`gateway-${k + 1}`, portOf(gateway.command)]));
    haproxy = await startHaproxy(dir, files, { servers: { ...servers, reservations: portOf(reservations[0]!.command) } });
    const base = `http://127.0.0.1:${haproxy.ports.get(8080)}`;

    const page = await fetch(`${base}/?event=example-opening`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect((await fetch(`${base}/sdk/waitroom.js`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${haproxy.ports.get(8081)}/readyz`)).status).toBe(200);
    const client = await TestClient.connect(`ws://127.0.0.1:${haproxy.ports.get(8080)}/ws`);
    const ticket = await client.join('example-opening');
    await client.close();
    expect(ticket.ticketNo).toBe(1);
  });
});
