/**
 * One event's Lua scripts on a test's own redis-server: the stores over it
 * (a fresh key prefix per bench), a plain client to set states up directly
 * and read them back, and the scripts themselves for calls the stores never
 * make (malformed arguments).
 */
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { connectRedis, type RedisConnection } from '../../server/store/redis/client.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import { eventKeys, scriptKeys, type EventKeys } from '../../server/store/redis/keys.js';
import { Scripts, type ScriptName } from '../../server/store/redis/scripts.js';
import type { DrawSeeds, Stores } from '../../server/store/types.js';
import type { RawRedis } from './lost-tickets.js';
import { uniquePrefix } from './redis.js';
import { startRedisServer, stopRedisServers, type RedisServer } from './redis-server.js';

export const EVENT = 'ev';
export const T0 = Date.UTC(2026, 10, 24, 11, 0, 0);
export const NODE = 7;

export interface ScriptBench {
  /** The bench's own redis-server (MONITOR it: ./redis-monitor.ts). */
  url: string;
  prefix: string;
  k: EventKeys;
  stores: Stores;
  raw: RawRedis;
  /** Runs a script with the event's KEYS (and a device key, when given) and these ARGV, as they are. */
  run(name: ScriptName, args: readonly (string | number)[], device?: string): Promise<unknown>;
  /** Runs a script with these KEYS (the scripts that take a key or two of their own). */
  scriptsRun(name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
  /** Every key of the bench and its content: compare before and after a call that must write nothing. */
  state(): Promise<Record<string, unknown>>;
  /** Leavers counted in the buckets (the finest level counts each once). */
  leftCounted(): Promise<number>;
  /** Marks these tickets requeued (no draw: place = number), keeping the meta counter equal to the set. */
  requeue(...tickets: number[]): Promise<void>;
  /** A meta field as a number (0 when absent). */
  meta(field: string): Promise<number>;
  close(): Promise<void>;
}

export async function openScriptBench(redisUrl: string, drawSeed?: DrawSeeds): Promise<ScriptBench> {
  const prefix = uniquePrefix();
  const k = eventKeys(prefix, EVENT);
  const stores = await createRedisStores({ redisUrl, keyPrefix: prefix, drawSeed });
  const raw: RawRedis = createClient({ url: redisUrl });
  await raw.connect();
  const connection: RedisConnection = await connectRedis(redisUrl, () => {});
  const scripts = await Scripts.load(connection);
  return {
    url: redisUrl,
    prefix,
    k,
    stores,
    raw,
    run: (name, args, device) => scripts.run(name, device === undefined ? scriptKeys(k) : scriptKeys(k, k.device(device)), args),
    scriptsRun: (name, keys, args) => scripts.run(name, keys, args),
    state: () => stateOf(raw, prefix),
    leftCounted: async () => (await raw.hVals(k.left[0]!)).reduce((sum, n) => sum + Number(n), 0),
    meta: async (field) => Number((await raw.hGet(k.meta, field)) ?? 0),
    async requeue(...tickets) {
      await raw.hSet(k.status, Object.fromEntries(tickets.map((n) => [String(n), 'r'])));
      await raw.zAdd(
        k.requeued,
        tickets.map((n) => ({ score: n, value: String(n) })),
      );
      await raw.hSet(k.meta, 'requeued', String(await raw.zCard(k.requeued)));
    },
    async close() {
      await stores.close();
      await connection.close();
      await raw.close();
    },
  };
}

/**
 * For a test file: its own redis-server for the file, a fresh bench for each
 * test. The returned bench always stands for the current test's.
 */
export function useScriptBench(drawSeed?: DrawSeeds): ScriptBench {
  let redis: RedisServer;
  let current: ScriptBench | undefined;
  beforeAll(async () => void (redis = await startRedisServer({ appendonly: false })));
  afterAll(stopRedisServers);
  beforeEach(async () => void (current = await openScriptBench(redis.url, drawSeed)));
  afterEach(() => current?.close());
  const now = () => {
    if (!current) throw new Error('the script bench is open only inside a test');
    return current;
  };
  return {
    get url() {
      return now().url;
    },
    get prefix() {
      return now().prefix;
    },
    get k() {
      return now().k;
    },
    get stores() {
      return now().stores;
    },
    get raw() {
      return now().raw;
    },
    run: (...args) => now().run(...args),
    scriptsRun: (...args) => now().scriptsRun(...args),
    state: () => now().state(),
    leftCounted: () => now().leftCounted(),
    meta: (field) => now().meta(field),
    requeue: (...tickets) => now().requeue(...tickets),
    close: () => now().close(),
  };
}

async function stateOf(raw: RawRedis, prefix: string): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  for await (const keys of raw.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) {
    for (const key of keys) {
      const type = await raw.type(key);
      if (type === 'hash') state[key] = await raw.hGetAll(key);
      else if (type === 'zset') state[key] = await raw.zRangeWithScores(key, 0, -1);
      else if (type === 'string') state[key] = await raw.get(key);
      else state[key] = type;
    }
  }
  return state;
}
