/**
 * `npm run cluster -- --nodes 3 [--base-port 8101] [--redis-url redis://127.0.0.1:6379]`:
 * a production-shaped deployment on one machine, one process per role, on one
 * Redis under a fresh key prefix: N gateways on consecutive ports (without a
 * controller inside), two admission controllers (one leads each event, the
 * other takes over when it dies) and one reservation handler on base-port − 1.
 * One generated config (keys, a demo event open now) is shared by all.
 *
 * Children that die are reported, never restarted: this is for watching
 * failover (`kill -9 <pid>`). Ctrl-C or SIGTERM stops every child by PID,
 * then removes the config file and this run's Redis keys.
 *
 * The events live in their own file (eventsFile): edit it and send SIGHUP to
 * this process, which passes it to every child; each reloads its own copy.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { demoEvent } from '../config/demo.js';
import { generateKeys } from '../config/keys.js';
import type { WaitroomConfigInput } from '../config/schema.js';
import { buildPagesIfStale } from './build-pages.js';
import { ChildNode, killNow, stopNodes, type Role } from './child-node.js';
import { parseCommandLine, usageError } from './command-line.js';

const COMMAND = {
  name: 'npm run cluster --',
  summary: 'A production-shaped deployment on one machine: N gateways, two controllers and a reservation handler on one Redis.',
  options: {
    nodes: { type: 'string', value: 'N', default: '3', description: 'gateways, on consecutive ports (1 to 64)' },
    'base-port': { type: 'string', value: 'PORT', default: '8101', description: "the first gateway's port; the reservation handler takes the one below" },
    'redis-url': { type: 'string', value: 'URL', description: 'the Redis to run on (default REDIS_URL, else redis://127.0.0.1:6379)' },
  },
  env: { REDIS_URL: 'the Redis to run on, when --redis-url is not given' },
} as const;
const CONTROLLERS = 2;
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5000;

function fail(message: string, code: number): never {
  console.error(`waitroom-cluster: ${message}`);
  process.exit(code);
}

function options(): { nodes: number; basePort: number; redisUrl: string } {
  const { values } = parseCommandLine(COMMAND);
  const nodes = Number(values.nodes);
  const basePort = Number(values['base-port']);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 64) usageError(COMMAND, '--nodes must be a whole number from 1 to 64');
  // The reservation handler takes base-port − 1.
  if (!Number.isInteger(basePort) || basePort < 2 || basePort + nodes - 1 > 65535)
    usageError(COMMAND, `--base-port must leave room for ${nodes} gateways below 65536 and one port under it`);
  return { nodes, basePort, redisUrl: values['redis-url'] ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
}

/** Deletes this run's keys: the prefix is fresh per run, so nothing else uses them. */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } catch (error) {
    console.error(`waitroom-cluster: could not delete the keys under ${prefix}: ${(error as Error).message}`);
  } finally {
    if (client.isOpen) client.destroy();
  }
}

async function assertRedisAnswers(url: string): Promise<void> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {}); // the failed connect() reports it
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    fail(`Redis does not answer at ${url} (${(error as Error).message}). Start one (redis-server --port 6379) or pass --redis-url.`, 1);
  } finally {
    if (client.isOpen) client.destroy();
  }
}

const { nodes: gatewayCount, basePort, redisUrl } = options();
await assertRedisAnswers(redisUrl);
await buildPagesIfStale();

const gatewayPorts = Array.from({ length: gatewayCount }, (_, k) => basePort + k);
const reservationsUrl = `http://127.0.0.1:${basePort - 1}`;
const keyPrefix = `wr-cluster-${Date.now()}`;
const dir = mkdtempSync(join(tmpdir(), 'waitroom-cluster-'));
const eventsFile = join(dir, 'events.json');
writeFileSync(eventsFile, JSON.stringify({ events: [demoEvent(Date.now())] }, null, 2));
// The events come from eventsFile (read into `events` by loadConfig in each process).
const config: Omit<WaitroomConfigInput, 'events'> = {
  keys: generateKeys(),
  eventsFile,
  store: { kind: 'redis', redisUrl, keyPrefix },
  // A standalone reservation handler serves only the page origins it lists.
  reservations: { publicUrl: reservationsUrl, allowedOrigins: gatewayPorts.flatMap((port) => [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) },
};
const configFile = join(dir, 'waitroom.json');
writeFileSync(configFile, JSON.stringify(config, null, 2));

/** Environment variables override the file: pin the ones that must agree across the cluster, drop per-process ones. */
const { PORT: _port, RESERVATIONS_PORT: _rport, PUBLIC_URL: _public, WAITROOM_KEYS: _keys, ...inherited } = process.env;
const sharedEnv = {
  ...inherited,
  WAITROOM_CONFIG: configFile,
  STORE: 'redis',
  REDIS_URL: redisUrl,
  REDIS_PREFIX: keyPrefix,
  RESERVATIONS_URL: reservationsUrl,
};

const children: ChildNode[] = [];
const width = Math.max('reservations'.length, `gateway-${gatewayCount}`.length);
let stopping = false;

function start(role: Role, name: string, args: string[] = []): ChildNode {
  const child = ChildNode.spawn({
    role,
    name,
    args,
    env: { ...sharedEnv, NODE_ID: name },
    detached: true,
    onLine: (line, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(`${name.padEnd(width)} | ${line}\n`),
  });
  children.push(child);
  void child.exited.then((status) => {
    if (!stopping) console.error(`waitroom-cluster: ${name} (pid ${child.pid}) exited unexpectedly (${status}); not restarting it`);
  });
  return child;
}

async function shutdown(code: number): Promise<never> {
  stopping = true;
  const running = children.filter((child) => child.exitStatus() === null);
  console.log(`waitroom-cluster: stopping ${running.map((child) => `${child.name} (pid ${child.pid})`).join(', ') || 'nothing'}`);
  await stopNodes(children, STOP_GRACE_MS);
  rmSync(dir, { recursive: true, force: true });
  await deleteKeys(redisUrl, keyPrefix);
  console.log(`waitroom-cluster: all stopped; removed the config and the keys under ${keyPrefix}`);
  process.exit(code);
}

// SIGHUP reloads the events everywhere: every running child re-reads the events file.
process.on('SIGHUP', () => {
  if (stopping) return;
  const running = children.filter((child) => child.kill('SIGHUP'));
  console.log(`waitroom-cluster: SIGHUP passed to ${running.map((child) => child.name).join(', ') || 'nobody'}: each reloads ${eventsFile}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second Ctrl-C does not wait for the grace period.
    if (stopping) return killNow(children);
    void shutdown(0);
  });
}
// Children run in their own process groups: if this process dies some other way, take them along.
process.on('exit', () => killNow(children));

const reservations = start('reservations', 'reservations', ['--port', String(basePort - 1)]);
const gateways = gatewayPorts.map((port, k) => start('gateway', `gateway-${k + 1}`, ['--port', String(port), '--no-controller']));
const controllers = Array.from({ length: CONTROLLERS }, (_, k) => start('controller', `controller-${k + 1}`));

let ready = true;
try {
  await Promise.all([
    reservations.waitForHealthy(`${reservationsUrl}/healthz`, READY_TIMEOUT_MS),
    ...gateways.map((gateway, k) => gateway.waitForHealthy(`http://127.0.0.1:${gatewayPorts[k]}/healthz`, READY_TIMEOUT_MS)),
    ...controllers.map((controller) => controller.waitForLine('controller running', READY_TIMEOUT_MS)),
  ]);
} catch (error) {
  ready = false;
  // Unless a signal is already stopping everything, a child failed to come up.
  if (!stopping) {
    console.error(`waitroom-cluster: the cluster did not come up: ${(error as Error).message}`);
    await shutdown(1);
  }
}

if (ready && !stopping) announce();

function announce(): void {
  const row = (child: ChildNode, what: string) => `  ${child.name.padEnd(width)}  pid ${String(child.pid).padEnd(7)} ${what}`;
  console.log(
    [
      '',
      `Waitroom cluster is running: ${gatewayCount} gateway(s), ${CONTROLLERS} controllers, one reservation handler; Redis ${redisUrl}, key prefix ${keyPrefix}.`,
      ...gateways.map((gateway, k) => {
        const url = `http://127.0.0.1:${gatewayPorts[k]}`;
        return row(gateway, `${url}/   ws://127.0.0.1:${gatewayPorts[k]}/ws   ${url}/metrics`);
      }),
      ...controllers.map((controller) => row(controller, 'admission controller (one leads each event by lease)')),
      row(reservations, `${reservationsUrl}/api/events/demo/availability`),
      `Events: edit ${eventsFile}, then \`kill -HUP ${process.pid}\` to reload them in every process.`,
      'kill -9 a gateway or controller PID to watch failover (children are not restarted). Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}
