/**
 * What the Redis store does when Redis comes back without its last writes
 * (docs/decisions/004), made deterministic: the lost window is written into
 * Redis by hand (../support/lost-tickets.ts). The branch by branch tests of the
 * scripts are test/store/redis-scripts-*.test.ts.
 */
import { createClient } from 'redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventKeys } from '../../server/store/redis/keys.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import { RESTART_TICKET_GAP } from '../../server/store/restart-gap.js';
import type { Stores } from '../../server/store/types.js';
import { admitStep } from '../support/admit-step.js';
import { placeOf } from '../../shared/queue/draw.js';
import { peopleAhead } from '../../shared/queue/position.js';
import { snapshotOf } from '../support/snapshot.js';
import { loseTickets, type RawRedis } from '../support/lost-tickets.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

const E = 'ev';
const T0 = Date.UTC(2026, 10, 24, 11, 0, 0);
const NODE = 7;

// The gap is crossed in one step, however long it is.
const step = admitStep(T0, { nodeTimeoutMs: 60_000, maxSteps: 20 });

/** Rewind: tickets 8..10 were issued (their holders have signed tickets) but Redis lost them in a restart. */
const loseLastThree = (raw: RawRedis, prefix: string) => loseTickets(raw, eventKeys(prefix, E), [8, 9, 10]);

describe('Redis store after a restart that lost its last writes', () => {
  let prefix: string;
  let stores: Stores;
  const raw = createClient({ url: TEST_REDIS_URL });

  beforeEach(async () => {
    prefix = uniquePrefix();
    stores = await createRedisStores({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix });
    if (!raw.isOpen) await raw.connect();
    await stores.queue.joinBatch(E, 10, T0, NODE, 0);
    await loseLastThree(raw, prefix);
  });

  afterEach(async () => {
    await stores.close();
    await deletePrefix(prefix);
  });

  async function ahead(ticketNo: number): Promise<number> {
    return peopleAhead(snapshotOf(await stores.queue.figures(E, T0, NODE)), ticketNo);
  }

  it('never issues a lost number again, and the skipped numbers cost nobody a place', async () => {
    const next = await stores.queue.joinBatch(E, 1, T0, NODE, 0);
    expect(next).toBe(7 + RESTART_TICKET_GAP + 1);
    expect(await ahead(next)).toBe(7);
    // Recovery happens once per Redis run.
    expect(await stores.queue.joinBatch(E, 1, T0, NODE, 0)).toBe(next + 1);
  });

  it('a holder of a lost number takes its place back, and the cursor walks through the gap', async () => {
    const next = await stores.queue.joinBatch(E, 1, T0, NODE, 0);
    expect(await stores.queue.reconnect(E, 9, T0, NODE)).toEqual({ kind: 'waiting' });
    expect(await ahead(next)).toBe(8);
    const result = await stores.queue.admit(E, step);
    if (!result.leader) throw new Error('expected the lease');
    expect(result.admitted.map((a) => a.ticketNo)).toEqual([1, 2, 3, 4, 5, 6, 7, 9, next]);
    const after = await stores.queue.figures(E, T0, NODE);
    expect(after.left.flatMap((span) => span.counts).every((n) => n === 0)).toBe(true);
  });

  it('a lost number whose turn has passed is requeued on return', async () => {
    const next = await stores.queue.joinBatch(E, 1, T0, NODE, 0);
    await stores.queue.admit(E, step);
    expect(await stores.queue.reconnect(E, 10, T0, NODE)).toEqual({ kind: 'requeued' });
    expect(await stores.queue.reconnect(E, next + 5, T0, NODE)).toEqual({ kind: 'unknown' });
  });

  it('the first lookup after the restart recovers too (a resume before any join)', async () => {
    expect(await stores.queue.reconnect(E, 8, T0, NODE)).toEqual({ kind: 'waiting' });
    expect(await stores.queue.joinBatch(E, 1, T0, NODE, 0)).toBe(7 + RESTART_TICKET_GAP + 1);
  });
});

describe('Redis store after a restart that lost writes during the pre-queue', () => {
  const OPENS = T0 + 60_000;
  const SEED = 77;
  let prefix: string;
  let stores: Stores;
  const raw = createClient({ url: TEST_REDIS_URL });

  beforeEach(async () => {
    prefix = uniquePrefix();
    stores = await createRedisStores({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix, drawSeed: () => SEED });
    if (!raw.isOpen) await raw.connect();
    await stores.queue.joinBatch(E, 10, T0, NODE, OPENS);
    await loseLastThree(raw, prefix);
  });

  afterEach(async () => {
    await stores.close();
    await deletePrefix(prefix);
  });

  it('the skipped numbers join the draw as leavers: they cost nobody a place, and the cursor steps over them', async () => {
    const next = await stores.queue.joinBatch(E, 1, T0, NODE, OPENS);
    expect(next).toBe(7 + RESTART_TICKET_GAP + 1);
    expect(await stores.queue.reconnect(E, 9, T0, NODE)).toEqual({ kind: 'waiting' });
    const people = [1, 2, 3, 4, 5, 6, 7, 9, next];

    // The opening: the controller counts the skipped numbers at their drawn places before anyone is admitted.
    const opening = admitStep(OPENS, { opensAt: OPENS, nodeTimeoutMs: 600_000, maxActive: 0 });
    for (let settled = false; !settled;) {
      const result = await stores.queue.admit(E, opening);
      if (!result.leader) throw new Error('expected the lease');
      settled = (await raw.zCard(eventKeys(prefix, E).deferred)) === 0;
    }
    const figures = await stores.queue.figures(E, OPENS, NODE);
    expect(figures.draw).toEqual({ size: next, seed: SEED });
    const placed = people.map((n) => placeOf(n, figures.draw)).sort((a, b) => a - b);
    for (const ticketNo of people) {
      const truth = placed.indexOf(placeOf(ticketNo, figures.draw));
      // Leavers inside a partly covered fine bucket are estimated in proportion (docs/decisions/001).
      expect(Math.abs(peopleAhead(snapshotOf(figures), ticketNo) - truth)).toBeLessThanOrEqual(1);
    }

    const admitted: number[] = [];
    for (let steps = 0; admitted.length < people.length && steps < 20; steps++) {
      const result = await stores.queue.admit(E, { ...opening, now: OPENS + 1000 * (steps + 1), maxActive: 100, maxSteps: 20_000 });
      if (!result.leader) throw new Error('expected the lease');
      admitted.push(...result.admitted.map((a) => a.ticketNo));
    }
    expect(admitted).toEqual([...people].sort((a, b) => placeOf(a, figures.draw) - placeOf(b, figures.draw)));
    const after = await stores.queue.figures(E, OPENS, NODE);
    expect(after.cursor).toBe(next);
    expect(after.left.flatMap((span) => span.counts).every((n) => n === 0)).toBe(true);
  });
});
