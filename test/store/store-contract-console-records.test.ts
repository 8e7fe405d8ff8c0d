/**
 * The store contract for what the console reads back cluster-wide: the audit
 * trail (bounded to its newest entries, newest first, paged by cursor) and
 * each event's history (one sample per time however many gateways write,
 * trimmed by age, expiring after its last sample). Every case runs against
 * memory and a real Redis (unique key prefix per test).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HistorySample, Stores } from '../../server/store/types.js';
import { storeFactories } from '../support/stores.js';

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const STEP = 5000;
const DAY = 86_400_000;

function sample(t: number, waiting = 10): HistorySample {
  return { t, waiting, admittedTotal: t / STEP, active: 3, bookings: 1, connections: { 'gw-a': 7, 'gw-b': 9 } };
}

describe.each(storeFactories)('store contract, console records: $name', (factory) => {
  let stores: Stores;
  afterEach(async () => {
    await stores.close();
  });

  it('pages the audit trail newest first, a cursor at a time, until a short page ends it', async () => {
    stores = await factory.create();
    for (let n = 1; n <= 7; n++) await stores.audit.append(JSON.stringify({ n }));
    const seen: number[][] = [];
    let page = await stores.audit.page(3);
    seen.push(page.entries.map((entry) => JSON.parse(entry.json).n));
    while (page.next !== null) {
      page = await stores.audit.page(3, page.next);
      seen.push(page.entries.map((entry) => JSON.parse(entry.json).n));
    }
    expect(seen).toEqual([[7, 6, 5], [4, 3, 2], [1]]);
    // Entries appended while paging do not shift the pages already read, and an entry's own id pages past it.
    const first = await stores.audit.page(2);
    await stores.audit.append(JSON.stringify({ n: 8 }));
    expect((await stores.audit.page(2, first.next!)).entries.map((entry) => JSON.parse(entry.json).n)).toEqual([5, 4]);
    expect((await stores.audit.page(1, first.entries[0]!.id)).entries.map((entry) => JSON.parse(entry.json).n)).toEqual([6]);
  });

  it('keeps only the newest entries of the audit trail', async () => {
    stores = await factory.create(undefined, 5);
    for (let n = 1; n <= 12; n++) await stores.audit.append(JSON.stringify({ n }));
    const all = await stores.audit.page(100);
    expect(all.entries.map((entry) => JSON.parse(entry.json).n)).toEqual([12, 11, 10, 9, 8]);
    expect(all.next).toBeNull();
    expect(await stores.audit.page(5, all.entries.at(-1)!.id)).toEqual({ entries: [], next: null });
  });

  it('keeps the first history sample of each time: a later or older write of the same event changes nothing', async () => {
    stores = await factory.create();
    expect(await stores.history.append('ev-h', sample(T0, 10), DAY)).toBe(true);
    expect(await stores.history.append('ev-h', sample(T0, 99), DAY)).toBe(false);
    expect(await stores.history.append('ev-h', sample(T0 - STEP, 98), DAY)).toBe(false);
    expect(await stores.history.append('ev-h', sample(T0 + STEP, 11), DAY)).toBe(true);
    expect(await stores.history.append('ev-other', sample(T0, 50), DAY)).toBe(true);
    expect(await stores.history.read('ev-h', 0)).toEqual([sample(T0, 10), sample(T0 + STEP, 11)]);
    expect(await stores.history.read('ev-h', T0 + 1)).toEqual([sample(T0 + STEP, 11)]);
    expect(await stores.history.read('ev-other', 0)).toEqual([sample(T0, 50)]);
    expect(await stores.history.read('ev-none', 0)).toEqual([]);
  });

  it('drops history samples older than the time kept, oldest first', async () => {
    stores = await factory.create();
    const keep = 10 * STEP;
    for (let k = 0; k < 25; k++) await stores.history.append('ev-h', sample(T0 + k * STEP), keep);
    const kept = await stores.history.read('ev-h', 0);
    expect(kept.map((s) => (s.t - T0) / STEP)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
  });

  it('forgets an event whose history has had no sample for the time kept', async () => {
    stores = await factory.create();
    const keep = 400;
    const now = Date.now();
    await stores.history.append('ev-gone', sample(now), keep);
    await new Promise((resolve) => setTimeout(resolve, keep + 200));
    // Redis expires the key by itself; memory forgets it at the next write of any event.
    await stores.history.append('ev-live', sample(now + keep + 200), keep);
    expect(await stores.history.read('ev-gone', 0)).toEqual([]);
    expect(await stores.history.read('ev-live', 0)).toHaveLength(1);
  });
});
