/**
 * The store contract for identity assertions (BookingStore.claimAssertion):
 * one assertion serves one booking pass until it expires. Every case runs
 * against memory, a real Redis (unique key prefix per test) and PostgreSQL (a database per test).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stores } from '../../server/store/types.js';
import { bookingStoreFactories } from '../support/booking-stores.js';

const E = 'ev-id';
const T0 = Date.UTC(2026, 10, 24, 11, 0, 0);

describe.each(bookingStoreFactories)('store contract, identity assertions: $name', (factory) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await factory.create();
  });
  afterEach(async () => {
    await stores.close();
  });

  it('binds an assertion to the first pass that uses it; that pass may use it again, another may not', async () => {
    expect(await stores.bookings.claimAssertion(E, 'a1', `${E}:1`, T0 + 60_000, T0)).toBe(true);
    expect(await stores.bookings.claimAssertion(E, 'a1', `${E}:1`, T0 + 60_000, T0 + 1000)).toBe(true);
    expect(await stores.bookings.claimAssertion(E, 'a1', `${E}:2`, T0 + 60_000, T0 + 2000)).toBe(false);
    expect(await stores.bookings.claimAssertion(E, 'a2', `${E}:2`, T0 + 60_000, T0 + 2000)).toBe(true);
  });

  it('keeps assertions of different events apart', async () => {
    expect(await stores.bookings.claimAssertion(E, 'a1', `${E}:1`, T0 + 60_000, T0)).toBe(true);
    expect(await stores.bookings.claimAssertion('ev-other', 'a1', 'ev-other:1', T0 + 60_000, T0)).toBe(true);
  });

  it('gives concurrent claims of one assertion by different passes to exactly one', async () => {
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => stores.bookings.claimAssertion(E, 'a1', `${E}:${i}`, T0 + 60_000, T0)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
