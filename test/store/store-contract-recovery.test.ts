/**
 * The store contract for recovery codes (decision 030): one live code per ticket, each used once, gone with its
 * ticket's expiry, and failed look-ups bounded per event and minute. Every case runs against memory and a real
 * Redis (unique key prefix per test); the titles name the Lua branches they cover (docs/redis-scripts.md).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecoveryEntry, Stores } from '../../server/store/types.js';
import { storeFactories } from '../support/stores.js';

const T0 = Date.UTC(2026, 11, 4, 11, 0, 0);
const HOUR = 3_600_000;
const entry = (ticketNo: number, box = `box-${ticketNo}`): RecoveryEntry => ({ ticketNo, ticket: `wt1.k.t${ticketNo}.s`, box, expiresAt: T0 + HOUR });

describe.each(storeFactories)('store contract, recovery codes: $name', (factory) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await factory.create();
  });
  afterEach(async () => {
    await stores.close();
  });

  it('gives a stored code back once, then knows it no more (recovery-set/stored, recovery-redeem/found)', async () => {
    await stores.recovery.set('e1', 'id-a', entry(7), T0);
    expect(await stores.recovery.redeem('e1', 'id-a', T0 + 1, 10)).toEqual({ kind: 'found', ticket: 'wt1.k.t7.s', box: 'box-7' });
    expect(await stores.recovery.redeem('e1', 'id-a', T0 + 2, 10)).toEqual({ kind: 'unknown' });
  });

  it('a used code cannot be stored again, so a photograph of it stays useless; a new code can (recovery-set/used)', async () => {
    expect(await stores.recovery.set('e1', 'id-a', entry(7), T0)).toBe('stored');
    expect((await stores.recovery.redeem('e1', 'id-a', T0 + 1, 10)).kind).toBe('found');
    expect(await stores.recovery.set('e1', 'id-a', entry(7), T0 + 2)).toBe('used');
    expect(await stores.recovery.redeem('e1', 'id-a', T0 + 3, 10)).toEqual({ kind: 'unknown' });
    expect(await stores.recovery.set('e1', 'id-b', entry(7), T0 + 4)).toBe('stored');
    expect((await stores.recovery.redeem('e1', 'id-b', T0 + 5, 10)).kind).toBe('found');
  });

  it("keeps codes per event: another event's id finds nothing (recovery-redeem/unknown)", async () => {
    await stores.recovery.set('e1', 'id-a', entry(7), T0);
    expect(await stores.recovery.redeem('e2', 'id-a', T0, 10)).toEqual({ kind: 'unknown' });
    expect((await stores.recovery.redeem('e1', 'id-a', T0, 10)).kind).toBe('found');
  });

  it("a new code of the same ticket replaces the earlier one; other tickets' codes stay (recovery-set/replaces)", async () => {
    await stores.recovery.set('e1', 'id-a', entry(7), T0);
    await stores.recovery.set('e1', 'id-other', entry(8), T0);
    await stores.recovery.set('e1', 'id-b', entry(7, 'box-7b'), T0 + 1);
    await stores.recovery.set('e1', 'id-b', entry(7, 'box-7b'), T0 + 2); // shown again: the same code stays live
    expect(await stores.recovery.redeem('e1', 'id-a', T0 + 3, 10)).toEqual({ kind: 'unknown' });
    expect(await stores.recovery.redeem('e1', 'id-b', T0 + 3, 10)).toEqual({ kind: 'found', ticket: 'wt1.k.t7.s', box: 'box-7b' });
    expect((await stores.recovery.redeem('e1', 'id-other', T0 + 3, 10)).kind).toBe('found');
  });

  it("a code goes with its ticket's expiry (recovery-redeem/unknown)", async () => {
    await stores.recovery.set('e1', 'id-a', entry(7), T0);
    expect(await stores.recovery.redeem('e1', 'id-a', T0 + HOUR, 10)).toEqual({ kind: 'unknown' });
  });

  it("after a minute's misses, even a right code waits for the next minute; hits are not misses (recovery-redeem/limited)", async () => {
    const minuteStart = Math.ceil(T0 / 60_000) * 60_000;
    await stores.recovery.set('e1', 'id-a', entry(7), minuteStart);
    await stores.recovery.set('e1', 'id-b', entry(8), minuteStart);
    expect((await stores.recovery.redeem('e1', 'id-b', minuteStart, 3)).kind).toBe('found');
    for (let guess = 0; guess < 3; guess++) expect(await stores.recovery.redeem('e1', `guess-${guess}`, minuteStart + guess, 3)).toEqual({ kind: 'unknown' });
    expect(await stores.recovery.redeem('e1', 'id-a', minuteStart + 10, 3)).toEqual({ kind: 'limited', retryAt: minuteStart + 60_000 });
    // Another event has a budget of its own.
    expect(await stores.recovery.redeem('e2', 'guess-x', minuteStart + 10, 3)).toEqual({ kind: 'unknown' });
    expect(await stores.recovery.redeem('e1', 'id-a', minuteStart + 60_000, 3)).toEqual({ kind: 'found', ticket: 'wt1.k.t7.s', box: 'box-7' });
  });
});
