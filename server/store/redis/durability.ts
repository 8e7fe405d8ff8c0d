/**
 * A booking confirmed to a person must survive a Redis crash, so the Redis
 * that holds bookings must fsync before it answers: `appendonly yes` with
 * `appendfsync always` (docs/decisions/004). The reservation handler checks
 * this once at start (CONFIG GET; where CONFIG is disabled, INFO persistence,
 * which shows appendonly but not appendfsync) and refuses to start otherwise,
 * unless the deployment overrides it (tests, benchmarks), which logs a warning.
 * The same check sees each master's linked replicas (INFO replication): bookings
 * must wait for as many as store.bookingReplicas asks (docs/decisions/027), and
 * replicas that nothing waits for are unsafe like a missing fsync.
 */
import { createClient, createCluster, ErrorReply } from 'redis';
import type { Logger } from '../../observability/log.js';
import { clusterOptions } from './cluster-topology.js';

/** How to start anyway, named in the refusal and in the warning. */
export const DURABILITY_OVERRIDE = '`"bookings": { "allowUnsafeDurability": true }` in the config file, or WAITROOM_ALLOW_UNSAFE_DURABILITY=1';

export class UnsafeDurabilityError extends Error {
  readonly code = 'UNSAFE_BOOKING_DURABILITY';
}

/** store.bookingReplicas asks for more replicas than a master has linked (decision 027). */
export class BookingReplicasMissingError extends Error {
  readonly code = 'BOOKING_REPLICAS_MISSING';

  constructor(why: string) {
    super(`BOOKING_REPLICAS_MISSING: ${why}`);
  }
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

/** A master's replicas whose link is up (INFO replication: `slaveN:…,state=online,…`). */
export async function linkedReplicas(client: Client): Promise<number> {
  return String(await client.sendCommand(['INFO', 'replication'])).match(/^slave\d+:.*\bstate=online\b/gm)?.length ?? 0;
}

/** Why `replicas` linked to the master at `where` do not suit `store.bookingReplicas`, or null when they do. */
export function replicationProblem(where: string, replicas: number, bookingReplicas: number): string | null {
  if (bookingReplicas === 0 && replicas > 0)
    return `${where} has ${replicas} replica(s) but store.bookingReplicas is 0: a failover can promote a replica that lacks bookings already confirmed (set store.bookingReplicas, WAITROOM_BOOKING_REPLICAS, to 1)`;
  return null;
}

interface BookingRedis {
  redisUrl: string;
  redisClusterNodes: readonly string[];
  /** store.bookingReplicas; 0 when not given. */
  bookingReplicas?: number;
}

interface MasterReading {
  where: string;
  durability: Durability;
  replicas: number;
}

/** Every Redis that holds bookings, read: the one at `redisUrl`, or each master of the cluster. */
async function readMasters(store: BookingRedis): Promise<MasterReading[]> {
  const socket = { connectTimeout: 2000, reconnectStrategy: false as const };
  const read = async (where: string, client: Client) => ({ where, durability: await readDurability(client), replicas: await linkedReplicas(client) });
  if (store.redisClusterNodes.length === 0) {
    const client = createClient({ url: store.redisUrl, socket });
    client.on('error', () => {});
    await client.connect();
    try {
      return [await read(store.redisUrl, client)];
    } finally {
      client.destroy();
    }
  }
  const cluster = createCluster(clusterOptions(store.redisClusterNodes, socket));
  cluster.on('error', () => {});
  await cluster.connect();
  try {
    return await Promise.all(cluster.masters.map(async (master) => read(`redis://${master.host}:${master.port}`, await cluster.nodeClient(master))));
  } finally {
    cluster.destroy();
  }
}

/**
 * Throws BookingReplicasMissingError when a master has fewer replicas linked than store.bookingReplicas (no override:
 * no booking could be confirmed), UnsafeDurabilityError when bookings could be lost once confirmed (no fsync on every
 * write, or replicas nothing waits for) unless `allowUnsafe`; then warns.
 */
export async function checkBookingDurability(store: BookingRedis & { kind: string }, allowUnsafe: boolean, log: Logger): Promise<void> {
  if (store.kind !== 'redis') return;
  const masters = await readMasters(store);
  const wanted = store.bookingReplicas ?? 0;
  const short = masters.filter((master) => master.replicas < wanted);
  if (short.length > 0)
    throw new BookingReplicasMissingError(
      `store.bookingReplicas is ${wanted}, but ${short.map((m) => `${m.where} has ${m.replicas} replica(s) linked`).join('; ')}: no booking could be confirmed. Link the replicas (REPLICAOF, or cluster replicas) before starting, or lower store.bookingReplicas (WAITROOM_BOOKING_REPLICAS)`,
    );
  const problems = masters.flatMap(({ where, durability, replicas }) =>
    [durabilityProblem(where, durability), replicationProblem(where, replicas, wanted)].filter((p) => p !== null),
  );
  if (problems.length === 0) return;
  const why = `bookings need Redis with appendonly yes and appendfsync always, and replicas that bookings wait for, or a crash or a failover can lose bookings already confirmed: ${problems.join('; ')}`;
  if (!allowUnsafe)
    throw new UnsafeDurabilityError(
      `${why}. Change what is named (redis.conf, CONFIG SET or store.bookingReplicas), or accept the risk with ${DURABILITY_OVERRIDE}`,
    );
  log.warn(
    { problems, override: 'bookings.allowUnsafeDurability' },
    `UNSAFE BOOKINGS: ${why}. Started anyway because bookings.allowUnsafeDurability is set: never do this in production`,
  );
}
