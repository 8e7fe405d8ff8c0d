/**
 * What the person's browser is told (docs/decisions/027): a whole system in
 * this process (gateway, controller, reservation handler over real sockets)
 * on a master with a real replica, store.bookingReplicas 1 and no unsafe
 * override. Linked: 201. Replica frozen: the queue still admits, the booking is
 * answered 503 BOOKING_NOT_REPLICATED within the timeout; thawed, the same
 * request returns the same booking (200, repeated), booked once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admittedPass } from '../support/admitted-pass.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { startReplicatedRedis, type ReplicatedRedis } from '../support/redis-replica.js';
import { stopRedisServers } from '../support/redis-server.js';
import { uniquePrefix } from '../support/redis.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

// Long enough that a linked replica on a loaded machine acknowledges in time.
const TIMEOUT_MS = 1000;

let redis: ReplicatedRedis;
let system: TestSystem;
const passes: Awaited<ReturnType<typeof admittedPass>>[] = [];
beforeAll(async () => {
  redis = await startReplicatedRedis();
  system = await startTestSystem({
    config: {
      store: { kind: 'redis', redisUrl: redis.master.url, keyPrefix: uniquePrefix(), bookingReplicas: 1, bookingReplicaTimeoutMs: TIMEOUT_MS },
      bookings: { allowUnsafeDurability: false },
    },
  });
});
afterAll(async () => {
  await redis.thawReplica();
  await Promise.all(passes.map((pass) => pass.client.close()));
  await system?.stop();
  await stopRedisServers();
});

async function pass() {
  const admitted = await admittedPass(system.wsUrl, 'ev');
  passes.push(admitted);
  return admitted;
}

describe('the reservation handler on a Redis with a replica (store.bookingReplicas 1)', () => {
  it('confirms a booking once the replica has it', async () => {
    const { grant, secret } = await pass();
    const reply = await postBooking(system.reservationsUrl, 'ev', bookingBody(grant, secret));
    expect(reply.status).toBe(201);
    expect(reply.body.booking?.reference).toMatch(/^WR-/);
  });

  it('answers 503 BOOKING_NOT_REPLICATED while the replica is frozen, and the repeat returns the booking once it is thawed', async () => {
    redis.freezeReplica();
    // Admission does not wait for replicas: the queue goes on while bookings cannot be confirmed.
    const { grant, secret } = await pass();
    const body = bookingBody(grant, secret);
    const started = performance.now();
    const refused = await postBooking(system.reservationsUrl, 'ev', body, 10_000);
    const ms = performance.now() - started;
    expect(refused.status).toBe(503);
    expect(refused.body.error?.code).toBe('BOOKING_NOT_REPLICATED');
    expect(refused.body.error?.message).toMatch(/send the same request again/);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(ms).toBeLessThan(TIMEOUT_MS + 1000);

    await redis.thawReplica();
    const repeated = await postBooking(system.reservationsUrl, 'ev', body);
    expect(repeated.status).toBe(200);
    expect(repeated.body.repeated).toBe(true);
    const availability = (await (await fetch(`${system.reservationsUrl}/api/events/ev/availability`)).json()) as {
      centers: { slots: { remaining: number; capacity: number }[] }[];
    };
    const slot = availability.centers[0]!.slots[0]!;
    expect(slot.capacity - slot.remaining).toBe(2);
  });
});
