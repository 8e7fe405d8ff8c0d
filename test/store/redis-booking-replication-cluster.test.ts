/**
 * Replicated before confirmed on a Redis Cluster (docs/decisions/027): WAIT
 * goes to the shard that took the booking, routed by the event's key. Three
 * real masters, one of them with a real replica (CLUSTER REPLICATE): an event
 * on that shard books, one on a shard without a replica is never confirmed,
 * and freezing the replica stops confirmations on its shard only. The start-up
 * guard names the masters that lack a replica.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../server/observability/log.js';
import { BookingReplicasMissingError, checkBookingDurability } from '../../server/store/redis/durability.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import { eventKeys } from '../../server/store/redis/keys.js';
import type { Stores } from '../../server/store/types.js';
import { bookingRequest } from '../support/booking-request.js';
import { addClusterReplica, ownSlots, type ReplicatedRedis } from '../support/redis-replica.js';
import { redisCommand, startRedisCluster, stopRedisServers, type RedisCluster } from '../support/redis-server.js';
import { uniquePrefix } from '../support/redis.js';

// Long enough that a replica on a loaded machine acknowledges in time (a linked one failed at 300 ms in a loaded CI run).
const TIMEOUT_MS = 1500;
const prefix = uniquePrefix();

let cluster: RedisCluster;
let shard: ReplicatedRedis;
let stores: Stores;
/** An event whose keys live on the master with the replica, and one on a master without. */
let replicated: string;
let unreplicated: string;

/** The first `ev-N` whose keys the master at `port` serves (or does not, when `onIt` is false). */
async function eventServedBy(port: number, onIt: boolean): Promise<string> {
  const slots = await ownSlots(port);
  for (let n = 0; ; n++) {
    const slot = Number(await redisCommand(port, ['CLUSTER', 'KEYSLOT', eventKeys(prefix, `ev-${n}`).usedGrants]));
    if (slots.some(([first, last]) => slot >= first && slot <= last) === onIt) return `ev-${n}`;
  }
}

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  shard = await addClusterReplica(cluster.nodes[0]!);
  [replicated, unreplicated] = await Promise.all([eventServedBy(shard.master.port, true), eventServedBy(shard.master.port, false)]);
  stores = await createRedisStores({ redisUrl: '', clusterNodes: cluster.urls, keyPrefix: prefix, bookingReplication: { replicas: 1, timeoutMs: TIMEOUT_MS } });
});
afterAll(async () => {
  await shard?.thawReplica();
  await stores?.close();
  await stopRedisServers();
});

describe('bookings on a Redis Cluster wait for the replica of their own shard', () => {
  it('an event on the shard with a replica books; one on a shard without is not confirmed, but kept', async () => {
    // Interleaved, several times: a WAIT sent to any other node (a random one, or the next in turn) answers wrong at least once.
    const outcomes = [];
    for (let n = 1; n <= 4; n++) {
      outcomes.push((await stores.bookings.commit(bookingRequest(replicated, n, 1000))).kind);
      outcomes.push((await stores.bookings.commit(bookingRequest(unreplicated, n, 1000))).kind);
    }
    expect(outcomes).toEqual(['booked', 'not_replicated', 'booked', 'not_replicated', 'booked', 'not_replicated', 'booked', 'not_replicated']);
    expect(await stores.bookings.bookingCount(unreplicated)).toBe(4);
  });

  it('a frozen replica stops confirmations on its shard, and the repeat confirms once it is thawed', async () => {
    const request = bookingRequest(replicated, 5, 1000);
    shard.freezeReplica();
    expect((await stores.bookings.commit(request)).kind).toBe('not_replicated');
    await shard.thawReplica();
    expect(await stores.bookings.commit(request)).toEqual({ kind: 'repeated', booking: request.record });
  });

  it('the start-up guard refuses bookingReplicas 1 naming the two masters without a replica', async () => {
    const check = checkBookingDurability({ kind: 'redis', redisUrl: '', redisClusterNodes: cluster.urls, bookingReplicas: 1 }, true, silentLogger);
    await expect(check).rejects.toThrow(BookingReplicasMissingError);
    const message = String(await check.catch((error: Error) => error.message));
    for (const node of cluster.nodes.slice(1)) expect(message).toContain(`${node.url} has 0 replica(s) linked`);
    expect(message).not.toContain(`${shard.master.url} has`);
  });
});
