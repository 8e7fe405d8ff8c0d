/**
 * A booking confirmed to a person must survive a Redis crash, so the Redis
 * that holds bookings must fsync before it answers: `appendonly yes` with
 * `appendfsync always` (docs/decisions/004). The reservation handler checks
 * this once at start (CONFIG GET; where CONFIG is disabled, INFO persistence,
 * which shows appendonly but not appendfsync) and refuses to start otherwise,
 * unless the deployment overrides it (tests, benchmarks), which logs a warning.
 */
import { createClient, createCluster, ErrorReply } from 'redis';
import type { Logger } from '../../observability/log.js';
import { clusterOptions } from './cluster-topology.js';

/** How to start anyway, named in the refusal and in the warning. */
export const DURABILITY_OVERRIDE = '`"bookings": { "allowUnsafeDurability": true }` in the config file, or WAITROOM_ALLOW_UNSAFE_DURABILITY=1';

export class UnsafeDurabilityError extends Error {
  readonly code = 'UNSAFE_BOOKING_DURABILITY';
}

/** What a Redis reports; null where it cannot be read. */
export interface Durability {
  appendonly: string | null;
  appendfsync: string | null;
  /** How it was read. */
  source: 'CONFIG GET' | 'INFO persistence';
}

type Client = Pick<ReturnType<typeof createClient>, 'sendCommand'>;

export async function readDurability(client: Client): Promise<Durability> {
  try {
    const reply = (await client.sendCommand(['CONFIG', 'GET', 'appendonly', 'appendfsync'])) as string[];
    const settings = new Map<string, string>();
    for (let i = 0; i + 1 < reply.length; i += 2) settings.set(reply[i]!, reply[i + 1]!);
    return { appendonly: settings.get('appendonly') ?? null, appendfsync: settings.get('appendfsync') ?? null, source: 'CONFIG GET' };
  } catch (error) {
    // Renamed away, or refused by an ACL: a Redis error reply. A lost connection is not one and fails the start.
    if (!(error instanceof ErrorReply)) throw error;
  }
  const info = String(await client.sendCommand(['INFO', 'persistence']));
  const enabled = /^aof_enabled:(\d)/m.exec(info)?.[1];
  return { appendonly: enabled === undefined ? null : enabled === '1' ? 'yes' : 'no', appendfsync: null, source: 'INFO persistence' };
}

/** Why `durability` is not enough for bookings, or null when it is. */
export function durabilityProblem(where: string, durability: Durability): string | null {
  const { appendonly, appendfsync, source } = durability;
  if (appendonly !== 'yes') return `${where} runs appendonly ${appendonly ?? '(unknown)'} (${source})`;
  if (appendfsync === null) return `${where}: appendfsync cannot be read (CONFIG is disabled and INFO persistence does not report it)`;
  if (appendfsync !== 'always') return `${where} runs appendfsync ${appendfsync} (${source})`;
  return null;
}

/** The durability of every Redis that holds bookings: the one at `redisUrl`, or each master of the cluster. */
async function problemsOf(store: { redisUrl: string; redisClusterNodes: readonly string[] }): Promise<string[]> {
  const socket = { connectTimeout: 2000, reconnectStrategy: false as const };
  if (store.redisClusterNodes.length === 0) {
    const client = createClient({ url: store.redisUrl, socket });
    client.on('error', () => {});
    await client.connect();
    try {
      return [durabilityProblem(store.redisUrl, await readDurability(client))].filter((p) => p !== null);
    } finally {
      client.destroy();
    }
  }
  const cluster = createCluster(clusterOptions(store.redisClusterNodes, socket));
  cluster.on('error', () => {});
  await cluster.connect();
  try {
    const problems = await Promise.all(
      cluster.masters.map(async (master) => durabilityProblem(`redis://${master.host}:${master.port}`, await readDurability(await cluster.nodeClient(master)))),
    );
    return problems.filter((p) => p !== null);
  } finally {
    cluster.destroy();
  }
}

/** Throws UnsafeDurabilityError unless bookings are durable or `allowUnsafe`; then warns. */
export async function checkBookingDurability(
  store: { kind: string; redisUrl: string; redisClusterNodes: readonly string[] },
  allowUnsafe: boolean,
  log: Logger,
): Promise<void> {
  if (store.kind !== 'redis') return;
  const problems = await problemsOf(store);
  if (problems.length === 0) return;
  const why = `bookings need Redis with appendonly yes and appendfsync always, or a crash can lose bookings already confirmed: ${problems.join('; ')}`;
  if (!allowUnsafe) throw new UnsafeDurabilityError(`${why}. Set both in redis.conf (or CONFIG SET), or accept the risk with ${DURABILITY_OVERRIDE}`);
  log.warn(
    { problems, override: 'bookings.allowUnsafeDurability' },
    `UNSAFE BOOKINGS: ${why}. Started anyway because bookings.allowUnsafeDurability is set: never do this in production`,
  );
}
