/**
 * Waitroom roles as real child processes, for tests that kill nodes (SIGKILL
 * a gateway, fail a controller over): one shared config file on a Redis key
 * prefix of its own, free ports, readiness by /healthz or a log line, and
 * output kept in memory for failure messages.
 *
 * Every node started here is stopped by `cleanUpProcesses()` (call it in
 * afterAll) even when a test failed half-way; should the test process itself
 * exit first, its 'exit' handler SIGKILLs whatever still runs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeys } from '../../server/config/keys.js';
import type { WaitroomConfigInput } from '../../server/config/schema.js';
import type { TransportChoice } from '../../server/gateway/transport/index.js';
import { ChildNode, killNow, stopNodes, type ExitStatus, type Role, type Stoppable } from '../../server/main/child-node.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from './redis.js';
import { TEST_CLIENTS_NAT, testEvent, type EventInput } from './system.js';

export type { ExitStatus, Role };

/** Starting a tsx process takes a second or two; a loaded machine may need more. */
const READY_TIMEOUT_MS = 20_000;

export interface StartNodeOptions {
  role: Role;
  /** Also its NODE_ID and the name in failure messages. */
  name: string;
  configFile: string;
  /** Added to (and overriding) the inherited environment, e.g. RESERVATIONS_URL for gateways. */
  env?: NodeJS.ProcessEnv;
  /** Gateway or reservation handler port; a free one when omitted. */
  port?: number;
  /** Gateway only: run no admission controller inside. */
  noController?: boolean;
  readyTimeoutMs?: number;
  /** The path that answers 200 once it is up (default /healthz; /livez for a node started while its store is away). */
  readyPath?: string;
}

export interface NodeProcess extends Stoppable {
  readonly role: Role;
  readonly name: string;
  readonly pid: number;
  /** The exit code, or the signal that ended the process. */
  readonly exited: Promise<ExitStatus>;
  /** Signals this PID; false when the process has already exited. */
  kill(signal?: NodeJS.Signals): boolean;
  /** The last ~200 output lines (stdout and stderr). */
  output(): string;
  /** The first output line containing `text` (already printed or still to come). */
  waitForLine(text: string, timeoutMs: number): Promise<string>;
}

/** A gateway or reservation handler: something that listens. */
export interface ServingNode extends NodeProcess {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** ws://127.0.0.1:<port>/ws (meaningful for gateways). */
  readonly wsUrl: string;
}

export type StartedNode<R extends Role> = R extends 'controller' ? NodeProcess : ServingNode;

const started = new Set<ChildNode>();
const configDirs: { dir: string; prefix: string }[] = [];
process.once('exit', () => killNow(started));

/** A port free right now on 127.0.0.1 (bound to 0, read back, released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts one role as `node --import tsx server/main/start-<role>.ts`; resolves once it is ready. */
export async function startNode<R extends Role>(options: StartNodeOptions & { role: R }): Promise<StartedNode<R>> {
  const { role, name, configFile } = options;
  const port = role === 'controller' ? 0 : (options.port ?? (await freePort()));
  const args = role === 'controller' ? [] : ['--port', String(port)];
  if (role === 'gateway' && options.noController) args.push('--no-controller');
  const child = ChildNode.spawn({
    role,
    name,
    args,
    // Readiness of a controller is its "controller running" info line.
    env: { ...process.env, WAITROOM_CONFIG: configFile, NODE_ID: name, LOG_LEVEL: 'info', ...options.env },
  });
  started.add(child);
  void child.exited.then(() => started.delete(child));

  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  try {
    if (role === 'controller') await child.waitForLine('controller running', timeoutMs);
    else await child.waitForHealthy(`${url}${options.readyPath ?? '/healthz'}`, timeoutMs);
  } catch (error) {
    await stopNodes([child], 1000);
    throw error;
  }
  const node: NodeProcess = {
    role,
    name,
    pid: child.pid,
    exited: child.exited,
    kill: (signal) => child.kill(signal),
    output: () => child.output(),
    waitForLine: (text, timeoutMs) => child.waitForLine(text, timeoutMs),
  };
  return (role === 'controller' ? node : { ...node, port, url, wsUrl: `ws://127.0.0.1:${port}/ws` }) as StartedNode<R>;
}

/** SIGTERM by PID, then SIGKILL by PID for any still running after `graceMs`. */
export async function stopAll(nodes: readonly NodeProcess[], graceMs = 5000): Promise<void> {
  await stopNodes(nodes, graceMs);
}

/** For afterAll: stops every node started here, removes the config files and the Redis keys they used. */
export async function cleanUpProcesses(graceMs = 5000): Promise<void> {
  await stopNodes([...started], graceMs);
  for (const { dir, prefix } of configDirs.splice(0)) {
    await rm(dir, { recursive: true, force: true });
    await deletePrefix(prefix);
  }
}

export interface ClusterConfigOptions {
  events?: EventInput[];
  /** Gateway tick and controller step interval (default 100 ms). */
  tickMs?: number;
  /** How long a controller's lease on an event lasts unrenewed: the failover time (default 1000 ms). */
  leaseMs?: number;
  /** Keys shared by every node (default: fresh ones). */
  keys?: ReturnType<typeof generateKeys>;
  transport?: TransportChoice;
  /** The Redis every node uses (default the shared test Redis; a private one for tests that stop it). */
  redisUrl?: string;
  /** Merged over the gateway section (e.g. trustProxy, perIp for a test behind a load balancer). */
  gateway?: Partial<NonNullable<WaitroomConfigInput['gateway']>>;
}

export interface ClusterConfig {
  /** Pass as configFile to startNode (it becomes WAITROOM_CONFIG). */
  path: string;
  /** The Redis key prefix every node of this config shares. */
  prefix: string;
}

/** Writes one deployment's config (Redis store, unique prefix, shared keys) to a temp file. */
export async function writeClusterConfig(options: ClusterConfigOptions = {}): Promise<ClusterConfig> {
  const prefix = uniquePrefix();
  const config: WaitroomConfigInput = {
    logLevel: 'info',
    // A short drain keeps the SIGTERMs of cleanUpProcesses quick; the drain tests set DRAIN_SECONDS themselves.
    // No hand-offs (decision 028) unless a test asks: most place their clients on chosen gateways.
    gateway: {
      transport: options.transport ?? 'auto',
      tickMs: options.tickMs ?? 100,
      natRanges: [TEST_CLIENTS_NAT],
      drainSeconds: 1,
      rebalance: { enabled: false },
      ...options.gateway,
    },
    store: { kind: 'redis', redisUrl: options.redisUrl ?? TEST_REDIS_URL, keyPrefix: prefix },
    // The test Redis does not fsync every write (server/store/redis/durability.ts).
    bookings: { allowUnsafeDurability: true },
    controller: { leaseMs: options.leaseMs ?? 1000 },
    keys: options.keys ?? generateKeys('test'),
    events: options.events ?? [testEvent()],
  };
  const dir = await mkdtemp(join(tmpdir(), 'waitroom-test-'));
  configDirs.push({ dir, prefix });
  const path = join(dir, 'waitroom.json');
  await writeFile(path, JSON.stringify(config));
  return { path, prefix };
}
