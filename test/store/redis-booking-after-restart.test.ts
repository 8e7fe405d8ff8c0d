/**
 * commit-booking.lua on a ticket whose status Redis lost in a restart (the
 * `k == nil` branch: docs/decisions/004, "books all the same"). The lost
 * window is written into Redis by hand (../support/lost-tickets.ts).
 */
import { createClient } from 'redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventKeys } from '../../server/store/redis/keys.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import type { Stores } from '../../server/store/types.js';
import { RESTART_TICKET_GAP } from '../../server/store/restart-gap.js';
import { admitStep } from '../support/admit-step.js';
import { bookingRequest } from '../support/booking-request.js';
import { loseTickets } from '../support/lost-tickets.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

const E = 'ev';
const T0 = Date.UTC(2026, 10, 24, 11, 0, 0);
const NODE = 7;

const request = (ticketNo: number) => bookingRequest(E, ticketNo, T0);

describe('commit-booking.lua after a restart that lost the ticket', () => {
  let prefix: string;
  let stores: Stores;
  const raw = createClient({ url: TEST_REDIS_URL });

  beforeEach(async () => {
    prefix = uniquePrefix();
    stores = await createRedisStores({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix });
    if (!raw.isOpen) await raw.connect();
    await stores.queue.joinBatch(E, 10, T0, NODE, 0);
    // Tickets 8..10 were issued, but this Redis run has lost them.
    await loseTickets(raw, eventKeys(prefix, E), [8, 9, 10]);
  });

  afterEach(async () => {
    await stores.close();
    await deletePrefix(prefix);
  });

  it('a lost ticket books, is marked used, and the retry is a repeat', async () => {
    const first = await stores.bookings.commit(request(9));
    expect(first.kind).toBe('booked');
    const k = eventKeys(prefix, E);
    expect(await raw.hGet(k.status, '9')).toBe('u');
    const retry = await stores.bookings.commit(request(9));
    expect(retry.kind).toBe('repeated');
    expect(await stores.bookings.bookingCount(E)).toBe(1);
  });
});

describe('admit.lua after a restart that lost the last tickets', () => {
  let prefix: string;
  let stores: Stores;
  const raw = createClient({ url: TEST_REDIS_URL });

  afterEach(async () => {
    await stores.close();
    await deletePrefix(prefix);
  });

  it('the controller step alone runs the restart check and crosses the gap', async () => {
    prefix = uniquePrefix();
    stores = await createRedisStores({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix });
    if (!raw.isOpen) await raw.connect();
    await stores.queue.joinBatch(E, 10, T0, NODE, 0);
    const k = eventKeys(prefix, E);
    await loseTickets(raw, k, [8, 9, 10]);
    const result = await stores.queue.admit(E, admitStep(T0, { nodeTimeoutMs: 60_000, maxSteps: 20 }));
    if (!result.leader) throw new Error('expected the lease');
    expect(result.admitted.map((a) => a.ticketNo)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Number(await raw.hGet(k.meta, 'issued'))).toBe(7 + RESTART_TICKET_GAP);
    expect(result.cursor).toBe(7 + RESTART_TICKET_GAP);
  });
});
