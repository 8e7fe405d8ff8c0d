/**
 * The Redis stores: one client shared by the queue and booking stores, every
 * state change an atomic Lua script, every key of an event in one hash tag.
 */
import { DrawProposals, randomDrawSeed } from '../draw-seed.js';
import type { DrawSeeds, Stores } from '../types.js';
import { RedisAuditTrail } from './audit-trail.js';
import { RedisBookingStore } from './booking-store.js';
import { connectRedis, connectRedisCluster, type CommandObserver } from './client.js';
import { RedisHistory } from './history.js';
import { assertKeyPart, eventKeys } from './keys.js';
import { RedisOperatorSessions } from './operator-sessions.js';
import { RedisQueueStore } from './queue-store.js';
import { RedisRecoveryCodes } from './recovery-codes.js';
import { Scripts } from './scripts.js';
import { ReplicationBarrier } from './replication-barrier.js';
import { RedisSharedEvents } from './shared-events.js';
import { RedisSignInThrottle } from './sign-in-throttle.js';
import { RedisTurnNotices } from './turn-notices.js';

export interface RedisStoreOptions {
  redisUrl: string;
  /** Seed nodes of a Redis Cluster; when given, redisUrl is not used. */
  clusterNodes?: readonly string[];
  /** Prepended to every key, e.g. `wr`; tests use a unique prefix each. */
  keyPrefix: string;
  /**
   * Connection errors while Redis is away (node-redis reports each failed
   * reconnect). Callers already see the outage: commands reject and ping() is false.
   */
  onError?: (error: Error) => void;
  /** Told each Redis round trip (the process's waitroom_redis_command_duration_seconds). */
  observeCommand?: CommandObserver;
  /** Go on without Redis after this long at start-up (servers: decision 023); without it, wait for the first connection. */
  startWaitMs?: number;
  /** Seeds of pre-queue draws; random unless a test fixes them. */
  drawSeed?: DrawSeeds;
  /** Audit entries kept (AUDIT_CAPACITY unless a test wants fewer). */
  auditCapacity?: number;
  /** Confirm a booking only once `replicas` replicas have it, waiting up to `timeoutMs` (store.bookingReplicas); unset: at once. */
  bookingReplication?: { replicas: number; timeoutMs: number };
}

export async function createRedisStores(options: RedisStoreOptions): Promise<Stores> {
  assertKeyPart('key prefix', options.keyPrefix);
  const onError = options.onError ?? (() => {});
  const connect = { startWaitMs: options.startWaitMs, observe: options.observeCommand };
  const open = () =>
    options.clusterNodes?.length ? connectRedisCluster(options.clusterNodes, onError, connect) : connectRedis(options.redisUrl, onError, connect);
  const redis = await open();
  const replication = options.bookingReplication;
  let commitRedis = redis;
  const close = async () => void (await Promise.all([redis.close(), commitRedis === redis ? undefined : commitRedis.close()]));
  try {
    // WAIT blocks the connection it is sent on: commits that wait get one of their own, so the queue and the reads never wait with them.
    if (replication) commitRedis = await open();
    const scripts = await Scripts.load(redis);
    const commitScripts = commitRedis === redis ? scripts : await Scripts.load(commitRedis);
    // One Redis: one WAIT covers every event's commits. A cluster: one per event's key, routed to its shard.
    const groupOf = options.clusterNodes?.length ? (key: string) => key : () => 'redis';
    const barrier = replication ? new ReplicationBarrier(commitRedis, replication.replicas, replication.timeoutMs, groupOf) : null;
    return {
      queue: new RedisQueueStore(redis, scripts, options.keyPrefix, new DrawProposals(options.drawSeed ?? randomDrawSeed)),
      bookings: new RedisBookingStore(redis, commitScripts, options.keyPrefix, barrier),
      sessions: new RedisOperatorSessions(redis, options.keyPrefix),
      signInThrottle: new RedisSignInThrottle(scripts, options.keyPrefix),
      events: new RedisSharedEvents(redis, scripts, options.keyPrefix),
      audit: new RedisAuditTrail(redis, options.keyPrefix, options.auditCapacity),
      history: new RedisHistory(redis, scripts, options.keyPrefix),
      recovery: new RedisRecoveryCodes(scripts, options.keyPrefix),
      turnNotices: new RedisTurnNotices(redis, scripts, options.keyPrefix),
      ping: () => redis.ping(),
      health: async () => {
        const shards = await redis.shards.check();
        const up = new Set(shards.flatMap(({ shard, up }) => (up ? [shard] : [])));
        return { shards, serves: (eventId) => up.has(redis.shards.shardOf(eventKeys(options.keyPrefix, eventId).meta) ?? '') };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
