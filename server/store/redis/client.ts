/**
 * The Redis connection as the stores need it, over one Redis or a Redis
 * Cluster: never crashes the process on an outage, reconnects with capped
 * backoff, and rejects commands at once while disconnected (no offline queue),
 * so callers fail closed instead of waiting. On a cluster every command is
 * routed by its first key; all keys of one event share a hash tag (./keys.ts),
 * so each script and each tick's reads go to one shard.
 */
import { createClient, createCluster } from 'redis';
import { backoffDelay } from '../../../shared/reconnect/backoff.js';
import { ClusterNotReachedError, clusterOptions, followTopology } from './cluster-topology.js';
import { clusterShardHealth, singleShardHealth, type ShardHealth } from './shard-health.js';

/** The commands the stores use, the same on one Redis and on a cluster. */
export interface RedisConnection {
  /** `script`: the script's name, which its round trips are timed under. */
  evalSha(sha: string, keys: string[], args: string[], script: string): Promise<unknown>;
  /** Runs (and caches on the shard that owns keys[0]) a script's source. */
  eval(source: string, keys: string[], args: string[], script: string): Promise<unknown>;
  hmGet(key: string, fields: string[]): Promise<(string | null)[]>;
  hSet(key: string, field: string, value: string): Promise<number>;
  hGetAll(key: string): Promise<Record<string, string>>;
  hLen(key: string): Promise<number>;
  /** One HSCAN step: about `count` entries from `cursor` ('0' starts; a returned '0' means done). */
  hScan(key: string, cursor: string, count: number): Promise<{ cursor: string; entries: { field: string; value: string }[] }>;
  hDel(key: string, fields: string[]): Promise<number>;
  get(key: string): Promise<string | null>;
  /** SET with an expiry in milliseconds. */
  setPx(key: string, value: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<number>;
  /** XADD with an id Redis assigns, trimming the stream to exactly its newest `maxLen` entries; the new id. */
  xAddCapped(key: string, fields: Record<string, string>, maxLen: number): Promise<string>;
  /** XREVRANGE from `end` (`+`, or `(id` for older than id) down, at most `count` entries. */
  xRevRange(key: string, end: string, count: number): Promise<{ id: string; fields: Record<string, string> }[]>;
  /** ZRANGEBYSCORE min +inf: the members scored at or above `min`, lowest first. */
  zRangeFrom(key: string, min: number): Promise<string[]>;
  /**
   * WAIT on the connection to the master that owns `key`: resolves to how many replicas acknowledged this
   * connection's writes so far, once `replicas` did or after `timeoutMs`. Blocks that connection meanwhile.
   */
  waitReplicas(key: string, replicas: number, timeoutMs: number): Promise<number>;
  /** True when every shard answers (./shard-health.ts); never throws. */
  ping(): Promise<boolean>;
  /** Each shard's answer, and which shard holds a key: an event is served while its own shard answers (decision 026). */
  shards: ShardHealth;
  close(): Promise<void>;
}

/**
 * Told how long each answered call took: a script by its name, a command by its
 * lowercase Redis name (a bounded set of labels). Rejected calls are not timed:
 * while Redis is away they fail at once and would hide the latency of real answers.
 */
export type CommandObserver = (command: string, seconds: number) => void;

type Timed = <T>(command: string, call: () => Promise<T>) => Promise<T>;

function timedBy(observe: CommandObserver | undefined): Timed {
  if (!observe) return (_command, call) => call();
  return async (command, call) => {
    const started = performance.now();
    const answer = await call();
    observe(command, (performance.now() - started) / 1000);
    return answer;
  };
}

/** Up to 50 ms doubling to 2 s, full jitter, so many nodes do not reconnect to Redis in step. */
function reconnectDelay(retries: number): number {
  return Math.round(backoffDelay(retries, { baseMs: 50, maxMs: 2000 }));
}

const socket = { connectTimeout: 2000, reconnectStrategy: reconnectDelay };

/**
 * How long to wait for the first connection: for ever (the command-line tools
 * put their own timeout around it), or `startWaitMs` and then go on without it
 * (a server started while Redis is down still listens and reports itself not
 * ready, its commands rejecting, no offline queue, until a reconnect succeeds:
 * decision 023).
 */
export interface ConnectOptions {
  startWaitMs?: number;
  /** Told each Redis round trip (the process's waitroom_redis_command_duration_seconds). */
  observe?: CommandObserver;
}

async function connected(connecting: Promise<unknown>, { startWaitMs }: ConnectOptions): Promise<void> {
  if (startWaitMs === undefined) return void (await connecting);
  let timer: NodeJS.Timeout | undefined;
  // node-redis keeps retrying (reconnectStrategy) and settles this once connected; a rejection is an outage like any other.
  const settled = connecting.catch(() => undefined);
  await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, startWaitMs)))]);
  clearTimeout(timer);
}

/** The key-addressed commands, which node-redis spells the same on a client and a cluster. */
type Commands = Pick<
  ReturnType<typeof createClient>,
  'evalSha' | 'eval' | 'hmGet' | 'hSet' | 'hGetAll' | 'hLen' | 'hScan' | 'hDel' | 'get' | 'set' | 'del' | 'xAdd' | 'xRevRange' | 'zRangeByScore'
>;

/** Every store call goes through here, so this is the one place its round trip is timed. */
function commandsOf(redis: Commands, timed: Timed): Omit<RedisConnection, 'ping' | 'shards' | 'close' | 'waitReplicas'> {
  return {
    evalSha: (sha, keys, args, script) => timed(script, () => redis.evalSha(sha, { keys, arguments: args })),
    eval: (source, keys, args, script) => timed(script, () => redis.eval(source, { keys, arguments: args })),
    hmGet: (key, fields) => timed('hmget', () => redis.hmGet(key, fields)),
    hSet: (key, field, value) => timed('hset', () => redis.hSet(key, field, value)),
    hGetAll: (key) => timed('hgetall', () => redis.hGetAll(key)),
    hLen: (key) => timed('hlen', () => redis.hLen(key)),
    hScan: async (key, cursor, count) => {
      const reply = await timed('hscan', () => redis.hScan(key, cursor, { COUNT: count }));
      return { cursor: String(reply.cursor), entries: reply.entries.map(({ field, value }) => ({ field: String(field), value: String(value) })) };
    },
    hDel: (key, fields) => timed('hdel', () => redis.hDel(key, fields)),
    get: (key) => timed('get', () => redis.get(key)),
    setPx: async (key, value, ttlMs) => void (await timed('set', () => redis.set(key, value, { expiration: { type: 'PX', value: ttlMs } }))),
    del: (key) => timed('del', () => redis.del(key)),
    xAddCapped: async (key, fields, maxLen) =>
      String(await timed('xadd', () => redis.xAdd(key, '*', fields, { TRIM: { strategy: 'MAXLEN', strategyModifier: '=', threshold: maxLen } }))),
    xRevRange: async (key, end, count) =>
      (await timed('xrevrange', () => redis.xRevRange(key, end, '-', { COUNT: count }))).map((entry) => ({
        id: String(entry.id),
        fields: Object.fromEntries(Object.entries(entry.message).map(([field, value]) => [field, String(value)])),
      })),
    zRangeFrom: async (key, min) => (await timed('zrangebyscore', () => redis.zRangeByScore(key, min, '+inf'))).map(String),
  };
}

function waitCommand(replicas: number, timeoutMs: number): string[] {
  return ['WAIT', String(replicas), String(timeoutMs)];
}

function withShards(shards: ShardHealth): Pick<RedisConnection, 'ping' | 'shards'> {
  // No shard known (a cluster whose slot map never loaded) is no Redis answering.
  const ping = async () => {
    const each = await shards.check();
    return each.length > 0 && each.every((shard) => shard.up);
  };
  return { shards, ping };
}

/** One Redis at `url`. */
export async function connectRedis(url: string, onError: (error: Error) => void, options: ConnectOptions = {}): Promise<RedisConnection> {
  const client = createClient({ url, disableOfflineQueue: true, socket });
  // Without a listener an 'error' event would throw and end the process.
  client.on('error', onError);
  await connected(client.connect(), options);
  const timed = timedBy(options.observe);
  return {
    ...commandsOf(client, timed),
    waitReplicas: (_key, replicas, timeoutMs) => timed('wait', () => client.sendCommand<number>(waitCommand(replicas, timeoutMs))),
    ...withShards(singleShardHealth(url, client)),
    async close() {
      if (client.isReady) await client.close();
      else if (client.isOpen) client.destroy();
    },
  };
}

/**
 * A Redis Cluster discovered from `seedUrls` (any of its nodes; those that are
 * down are skipped, and while none answers the start keeps trying them), its
 * slot map kept current through failovers (./cluster-topology.ts).
 */
export async function connectRedisCluster(
  seedUrls: readonly string[],
  onError: (error: Error) => void,
  options: ConnectOptions = {},
): Promise<RedisConnection> {
  const cluster = createCluster(clusterOptions(seedUrls, socket));
  cluster.on('error', onError);
  const topology = followTopology(cluster, reconnectDelay, onError);
  await connected(topology.opened, options);
  const timed = timedBy(options.observe);
  const followed: Timed = async (command, call) => {
    if (!topology.reached) throw new ClusterNotReachedError(`no seed of the Redis Cluster has answered yet (${seedUrls.join(', ')})`);
    try {
      return await timed(command, call);
    } catch (error) {
      topology.failed(error);
      throw error;
    }
  };
  return {
    ...commandsOf(cluster, followed),
    waitReplicas: (key, replicas, timeoutMs) => followed('wait', () => cluster.sendCommand<number>(key, false, waitCommand(replicas, timeoutMs))),
    // Before any seed answered the slot map is empty: no shard is known, so ping() is false (withShards).
    ...withShards(clusterShardHealth(cluster)),
    async close() {
      topology.stop();
      try {
        await cluster.close();
      } catch {
        cluster.destroy();
      }
    },
  };
}
