/**
 * Replicated before confirmed (docs/decisions/027): on a real master with a
 * real replica, a Redis booking is confirmed only once WAIT saw it on the
 * replica. With the replica frozen (SIGSTOP) the commit is answered
 * not_replicated within the timeout, the booking stays on the master, and the
 * same request again returns it once the replica has it, from this connection
 * or another one; a failover after a partition loses only what was never
 * confirmed. And the start-up guard: replicas asked for but not linked, or
 * linked but not waited for.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../server/observability/log.js';
import { BookingReplicasMissingError, checkBookingDurability, UnsafeDurabilityError } from '../../server/store/redis/durability.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import { eventKeys } from '../../server/store/redis/keys.js';
import type { Stores } from '../../server/store/types.js';
import { bookingRequest } from '../support/booking-request.js';
import { startPartitionedReplica, startReplicatedRedis, type ReplicatedRedis } from '../support/redis-replica.js';
import { redisCommand, startRedisServer, stopRedisServers, type RedisServer } from '../support/redis-server.js';
import { uniquePrefix } from '../support/redis.js';

// Long enough that a linked replica on a loaded machine acknowledges in time; the "not blocked behind WAIT" bounds are fractions of it.
const TIMEOUT_MS = 900;

let redis: ReplicatedRedis;
let alone: RedisServer;
const opened: Stores[] = [];
beforeAll(async () => {
  [redis, alone] = await Promise.all([startReplicatedRedis(), startRedisServer({ appendonly: true, appendfsync: 'always' })]);
});
afterEach(async () => {
  await redis.thawReplica();
  await Promise.all(opened.splice(0).map((stores) => stores.close()));
});
afterAll(() => stopRedisServers());

async function bookingStores(keyPrefix: string, bookingReplicas = 1, redisUrl = redis.master.url): Promise<Stores> {
  const stores = await createRedisStores({
    redisUrl,
    keyPrefix,
    ...(bookingReplicas > 0 ? { bookingReplication: { replicas: bookingReplicas, timeoutMs: TIMEOUT_MS } } : {}),
  });
  opened.push(stores);
  return stores;
}

/** The bookings the replica holds for `eventId` (HLEN on the replica itself). */
async function onReplica(keyPrefix: string, eventId: string): Promise<number> {
  return Number(await redisCommand(redis.replica.port, ['HLEN', eventKeys(keyPrefix, eventId).bookings]));
}

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await call();
  return { value, ms: performance.now() - started };
}

describe('a Redis booking waits for its replica', () => {
  it('is confirmed once the replica has it', async () => {
    const prefix = uniquePrefix();
    const { bookings } = await bookingStores(prefix);
    expect((await bookings.commit(bookingRequest('ev', 1, 1000))).kind).toBe('booked');
    expect(await onReplica(prefix, 'ev')).toBe(1);
  });

  it('with the replica frozen: not confirmed within the timeout, kept on the master, and the repeat returns it once replicated', async () => {
    const prefix = uniquePrefix();
    const [first, second] = [await bookingStores(prefix), await bookingStores(prefix)];
    const request = bookingRequest('ev', 1, 1000);
    redis.freezeReplica();
    const refused = await timed(() => first.bookings.commit(request));
    expect(refused.value).toEqual({ kind: 'not_replicated' });
    expect(refused.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(refused.ms).toBeLessThan(TIMEOUT_MS + 700);
    // The design: the booking stays (a rollback could be the write a failover loses, and would free a slot the replica may still count).
    expect(await first.bookings.bookingCount('ev')).toBe(1);
    expect(await first.bookings.taken('ev')).toEqual(new Map([['c1/s1', 1]]));
    // Still frozen: the repeat is not confirmed either, on this connection or another process's (whose own writes the replica may have).
    expect(await first.bookings.commit(request)).toEqual({ kind: 'not_replicated' });
    expect(await second.bookings.commit({ ...request, reference: 'ref-other' })).toEqual({ kind: 'not_replicated' });
    // Another person's booking while frozen is not confirmed, and the same person again is refused as booked, not booked twice.
    expect((await second.bookings.commit(bookingRequest('ev', 2, 1000))).kind).toBe('not_replicated');
    expect((await second.bookings.commit(bookingRequest('ev', 3, 1000, { personKey: 'person-1' }))).kind).toBe('already_booked');

    await redis.thawReplica();
    expect(await onReplica(prefix, 'ev')).toBe(2);
    const repeated = await second.bookings.commit({ ...request, reference: 'ref-other' });
    expect(repeated).toEqual({ kind: 'repeated', booking: request.record });
    expect(await second.bookings.bookingCount('ev')).toBe(2);
  });

  it('a repeat from a fresh connection waits for the original commit, not only for its own writes', async () => {
    const prefix = uniquePrefix();
    const request = bookingRequest('ev', 1, 1000);
    const writer = await bookingStores(prefix);
    redis.freezeReplica();
    expect((await writer.bookings.commit(request)).kind).toBe('not_replicated');
    // A connection that never wrote: WAIT alone would count the frozen replica as having all of its (zero) writes.
    const fresh = await bookingStores(prefix);
    expect((await fresh.bookings.commit(request)).kind).toBe('not_replicated');
  });

  it('many bookings at once while frozen all get their answer within two timeouts, not one timeout each; the queue and the availability do not wait with them', async () => {
    const prefix = uniquePrefix();
    const stores = await bookingStores(prefix);
    const { bookings } = stores;
    redis.freezeReplica();
    // Over 6 events: on one Redis one WAIT covers them all.
    const requests = Array.from({ length: 24 }, (_, i) => bookingRequest(`ev-${i % 6}`, i + 1, 1000, { slotCapacity: 100 }));
    const answered = timed(() => Promise.all(requests.map((request) => bookings.commit(request))));
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS / 3));
    // WAIT blocks its connection: the bookings' is their own, so the queue's commands are answered meanwhile.
    const queue = await timed(() => stores.queue.mayBook('ev-0', 1));
    expect(queue.ms).toBeLessThan(TIMEOUT_MS / 3);
    const availability = await timed(() => bookings.taken('ev-0'));
    expect(availability.ms).toBeLessThan(TIMEOUT_MS / 3);
    const { value, ms } = await answered;
    expect(value.map((outcome) => outcome.kind)).toEqual(requests.map(() => 'not_replicated'));
    expect(ms).toBeLessThan(2 * TIMEOUT_MS + 700);
    await redis.thawReplica();
    const again = await Promise.all(requests.map((request) => bookings.commit(request)));
    expect(again.map((outcome) => outcome.kind)).toEqual(requests.map(() => 'repeated'));
  });

  it('a failover to a replica cut off from its master loses no confirmed booking: only the unconfirmed one, which the repeat books again', async () => {
    const pair = await startPartitionedReplica();
    const prefix = uniquePrefix();
    const before = await createRedisStores({ redisUrl: pair.master.url, keyPrefix: prefix, bookingReplication: { replicas: 1, timeoutMs: TIMEOUT_MS } });
    const [confirmed, unconfirmed] = [bookingRequest('ev', 1, 1000), bookingRequest('ev', 2, 1000)];
    expect((await before.bookings.commit(confirmed)).kind).toBe('booked');
    pair.link.stall();
    expect((await before.bookings.commit(unconfirmed)).kind).toBe('not_replicated');
    // The master dies with the second booking unreplicated (the partition never heals), and its replica is promoted.
    await before.close();
    await pair.master.kill('SIGKILL');
    await pair.link.close();
    await redisCommand(pair.replica.port, ['REPLICAOF', 'NO', 'ONE']);
    const after = await bookingStores(prefix, 0, pair.replica.url);
    expect(await after.bookings.commit(confirmed)).toEqual({ kind: 'repeated', booking: confirmed.record });
    expect(await after.bookings.commit(unconfirmed)).toEqual({ kind: 'booked', booking: unconfirmed.record });
    expect(await after.bookings.bookingCount('ev')).toBe(2);
  });

  it('refusals are answered at once, frozen or not: they promise nothing', async () => {
    const prefix = uniquePrefix();
    const { bookings } = await bookingStores(prefix);
    expect((await bookings.commit(bookingRequest('ev', 1, 1000, { slotCapacity: 1 }))).kind).toBe('booked');
    redis.freezeReplica();
    const full = await timed(() => bookings.commit(bookingRequest('ev', 2, 1000, { slotCapacity: 1 })));
    expect(full.value.kind).toBe('slot_full');
    expect(full.ms).toBeLessThan(TIMEOUT_MS / 2);
  });

  it('with bookingReplicas 0 nothing waits: confirmed while the replica is frozen', async () => {
    const { bookings } = await bookingStores(uniquePrefix(), 0);
    redis.freezeReplica();
    expect((await bookings.commit(bookingRequest('ev', 1, 1000))).kind).toBe('booked');
  });
});

describe('the start-up guard and the replicas', () => {
  const store = (server: RedisServer, bookingReplicas: number) => ({ kind: 'redis', redisUrl: server.url, redisClusterNodes: [], bookingReplicas });

  it('refuses bookingReplicas 1 on a master without a replica, with BOOKING_REPLICAS_MISSING, override or not', async () => {
    for (const allowUnsafe of [false, true]) {
      const refusal = checkBookingDurability(store(alone, 1), allowUnsafe, silentLogger);
      await expect(refusal).rejects.toThrow(BookingReplicasMissingError);
      await expect(refusal).rejects.toThrow(/^BOOKING_REPLICAS_MISSING: store\.bookingReplicas is 1, but redis:\/\/127\.0\.0\.1:\d+ has 0 replica\(s\) linked/);
    }
  });

  it('refuses bookingReplicas 2 where the master has one', async () => {
    await expect(checkBookingDurability(store(redis.master, 2), false, silentLogger)).rejects.toThrow(/has 1 replica\(s\) linked/);
  });

  it('refuses a master with a replica that bookings do not wait for, unless overridden', async () => {
    await expect(checkBookingDurability(store(redis.master, 0), false, silentLogger)).rejects.toThrow(UnsafeDurabilityError);
    await expect(checkBookingDurability(store(redis.master, 0), false, silentLogger)).rejects.toThrow(/has 1 replica\(s\) but store\.bookingReplicas is 0/);
    await expect(checkBookingDurability(store(redis.master, 0), true, silentLogger)).resolves.toBeUndefined();
  });

  it('starts with bookingReplicas 1 on the linked master, and with 0 on a master alone', async () => {
    await expect(checkBookingDurability(store(redis.master, 1), false, silentLogger)).resolves.toBeUndefined();
    await expect(checkBookingDurability(store(alone, 0), false, silentLogger)).resolves.toBeUndefined();
  });
});
