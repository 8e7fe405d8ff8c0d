/**
 * The store contract for turn notices: a contact is kept until the event's
 * end, each notice kind of a ticket is claimed once (by whichever gateway asks
 * first, also two processes at once on one Redis), tickets without a contact
 * leave nothing behind, and dropped contacts are gone. Memory and a real Redis.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisStores } from '../../server/store/redis/index.js';
import { turnNoticeKeys } from '../../server/store/redis/keys.js';
import type { Stores } from '../../server/store/types.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';
import { storeFactories } from '../support/stores.js';
import { createClient } from 'redis';

const T0 = Date.UTC(2026, 11, 4, 11, 0, 0);
const END = T0 + 3_600_000;

describe.each(storeFactories)('store contract, turn notices: $name', (factory) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await factory.create();
  });
  afterEach(async () => {
    await stores.close();
  });

  it('claims each kind of a ticket once, only for tickets with a contact (notice-claim/claimed, notice-claim/already-claimed, notice-claim/no-contact)', async () => {
    const notices = stores.turnNotices;
    await notices.saveContact('ev', 7, '{"a":7}', END, T0);
    await notices.saveContact('ev', 9, '{"a":9}', END, T0);
    expect(await notices.claimNotices('ev', 'near', [6, 7, 8, 9], END, T0)).toEqual([
      { ticketNo: 7, contact: '{"a":7}' },
      { ticketNo: 9, contact: '{"a":9}' },
    ]);
    expect(await notices.claimNotices('ev', 'near', [7, 9], END, T0 + 1)).toEqual([]);
    expect(await notices.claimNotices('ev', 'turn', [7], END, T0 + 2)).toEqual([{ ticketNo: 7, contact: '{"a":7}' }]);
    expect(await notices.claimNotices('other', 'near', [7], END, T0 + 3)).toEqual([]);
    expect(await notices.claimNotices('ev', 'near', [], END, T0 + 3)).toEqual([]);
  });

  it('replaces a contact, drops it on request, and forgets it at the event end (contact-save/saved)', async () => {
    const notices = stores.turnNotices;
    await notices.saveContact('ev', 3, 'first', END, T0);
    await notices.saveContact('ev', 3, 'second', END, T0);
    await notices.saveContact('ev', 4, 'four', END, T0);
    await notices.dropContacts('ev', [3]);
    expect(await notices.claimNotices('ev', 'near', [3], END, T0)).toEqual([]);
    expect(await notices.claimNotices('ev', 'turn', [4], END, T0)).toEqual([{ ticketNo: 4, contact: 'four' }]);
    await notices.saveContact('ev', 5, 'five', T0 + 1000, T0);
    if (factory.name === 'memory') {
      expect(await notices.claimNotices('ev', 'near', [5], END, T0 + 1000)).toEqual([]);
    }
  });
});

describe('turn notices on one Redis, two gateway processes', () => {
  const prefix = uniquePrefix();
  let a: Stores;
  let b: Stores;
  beforeEach(async () => {
    [a, b] = await Promise.all([
      createRedisStores({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix }),
      createRedisStores({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix }),
    ]);
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    await deletePrefix(prefix);
  });

  it('gives each ticket to exactly one of two processes claiming at once, and the keys expire at the event end', async () => {
    const tickets = Array.from({ length: 200 }, (_, k) => k + 1);
    for (const ticketNo of tickets) await a.turnNotices.saveContact('ev', ticketNo, `c${ticketNo}`, END, T0);
    const [wonA, wonB] = await Promise.all([
      a.turnNotices.claimNotices('ev', 'near', tickets, END, T0),
      b.turnNotices.claimNotices('ev', 'near', tickets, END, T0),
    ]);
    const all = [...wonA, ...wonB].map(({ ticketNo }) => ticketNo).sort((x, y) => x - y);
    expect(all).toEqual(tickets);
    const redis = createClient({ url: TEST_REDIS_URL });
    await redis.connect();
    try {
      const k = turnNoticeKeys(prefix, 'ev');
      expect(await redis.pExpireTime(k.contacts)).toBe(END);
      expect(await redis.pExpireTime(k.claim('near', 1))).toBe(END);
    } finally {
      await redis.quit();
    }
  });
});
