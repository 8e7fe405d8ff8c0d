/**
 * The one contract both stores keep. Every case runs against memory and a
 * real Redis (unique key prefix per test).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdmitLimits, BookingRequest, Stores } from '../../server/store/types.js';
import { segmentLayout } from '../../shared/queue/left-segments.js';
import { storeFactories } from '../support/stores.js';

const E = 'ev-1';
const T0 = Date.UTC(2026, 10, 24, 11, 0, 0);

function limits(overrides: Partial<AdmitLimits> = {}): AdmitLimits {
  return {
    now: T0,
    maxActive: 1000,
    admitsPerMinute: 60_000,
    graceMs: 30_000,
    grantTtlMs: 600_000,
    maxSteps: 10_000,
    ratePerMinute: 0,
    ...overrides,
  };
}

function booking(overrides: Partial<BookingRequest> & { ticketNo: number }): BookingRequest {
  const reference = overrides.reference ?? `ref-${overrides.ticketNo}-${Math.random().toString(36).slice(2, 8)}`;
  const base = {
    eventId: E,
    grantId: `g-${overrides.ticketNo}`,
    personKey: `person-${overrides.ticketNo}`,
    centerId: 'c1',
    slotId: 's1',
    slotCapacity: 100,
    reference,
    ...overrides,
  };
  return {
    ...base,
    record: {
      reference,
      eventId: E,
      ticketNo: base.ticketNo,
      centerId: base.centerId,
      slotId: base.slotId,
      name: base.personKey,
      birthDate: '1970-01-01',
      bookedAt: T0,
    },
  };
}

function leftTotal(figures: Awaited<ReturnType<Stores['queue']['figures']>>): number {
  return figures.left.filter((span) => span.level === 0).reduce((sum, span) => sum + span.counts.reduce((a, b) => a + b, 0), 0);
}

describe.each(storeFactories)('store contract: $name', (factory) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await factory.create();
  });
  afterEach(async () => {
    await stores.close();
  });

  it('issues consecutive, increasing ticket numbers per event', async () => {
    expect(await stores.queue.joinBatch(E, 3, T0)).toBe(1);
    expect(await stores.queue.joinBatch(E, 2, T0)).toBe(4);
    expect(await stores.queue.joinBatch('ev-2', 1, T0)).toBe(1);
    const figures = await stores.queue.figures(E, T0);
    expect(figures).toMatchObject({ cursor: 0, issued: 5, active: 0, paused: false, admittedTotal: 0 });
  });

  it('admits in ticket order within maxActive and reports the grant expiry', async () => {
    await stores.queue.joinBatch(E, 5, T0);
    const first = await stores.queue.admit(E, limits({ maxActive: 2 }));
    expect(first.admitted).toEqual([
      { ticketNo: 1, grantExpiresAt: T0 + 600_000 },
      { ticketNo: 2, grantExpiresAt: T0 + 600_000 },
    ]);
    expect(first).toMatchObject({ cursor: 2, active: 2, backlogged: true });
    const second = await stores.queue.admit(E, limits({ maxActive: 2, now: T0 + 1000 }));
    expect(second.admitted).toEqual([]);
    expect(await stores.queue.admissionStatus(E, [1, 2, 3], T0 + 1000)).toEqual([
      { kind: 'admitted', grantExpiresAt: T0 + 600_000 },
      { kind: 'admitted', grantExpiresAt: T0 + 600_000 },
      { kind: 'pending' },
    ]);
  });

  it('admits no faster than admitsPerMinute', async () => {
    await stores.queue.joinBatch(E, 100, T0);
    let admitted = 0;
    for (let s = 0; s <= 60; s++) admitted += (await stores.queue.admit(E, limits({ admitsPerMinute: 30, now: T0 + s * 1000 }))).admitted.length;
    // One token at the start (the burst) plus 30 per minute.
    expect(admitted).toBeGreaterThanOrEqual(30);
    expect(admitted).toBeLessThanOrEqual(31);
  });

  it('frees an active place when a grant expires, and says so on reconnect', async () => {
    await stores.queue.joinBatch(E, 2, T0);
    await stores.queue.admit(E, limits({ maxActive: 1, grantTtlMs: 10_000 }));
    const later = T0 + 10_000;
    const next = await stores.queue.admit(E, limits({ maxActive: 1, grantTtlMs: 10_000, now: later }));
    expect(next.admitted.map((a) => a.ticketNo)).toEqual([2]);
    expect(await stores.queue.reconnect(E, 1, later)).toEqual({ kind: 'grant_expired' });
    expect(await stores.queue.admissionStatus(E, [1], later)).toEqual([{ kind: 'finished' }]);
  });

  it('passes over tickets whose holders are away, and admits them first when they return', async () => {
    await stores.queue.joinBatch(E, 4, T0);
    await stores.queue.disconnect(E, [1], T0);
    const step = await stores.queue.admit(E, limits({ maxActive: 1 }));
    expect(step.admitted.map((a) => a.ticketNo)).toEqual([2]);
    expect(step.skipped).toBe(1);
    expect(await stores.queue.admissionStatus(E, [1], T0)).toEqual([{ kind: 'passed' }]);
    expect(await stores.queue.reconnect(E, 1, T0 + 5000)).toEqual({ kind: 'requeued' });
    expect((await stores.queue.figures(E, T0 + 5000)).requeued).toBe(1);
    expect(await stores.queue.admissionStatus(E, [1], T0 + 5000)).toEqual([{ kind: 'pending' }]);
    const next = await stores.queue.admit(E, limits({ maxActive: 3, now: T0 + 5000 }));
    expect(next.admitted.map((a) => a.ticketNo)).toEqual([1, 3]);
    expect((await stores.queue.figures(E, T0 + 5000)).requeued).toBe(0);
  });

  it('counts people away past the grace period as left, and un-counts them when they return', async () => {
    await stores.queue.joinBatch(E, 10, T0);
    await stores.queue.disconnect(E, [4, 7], T0);
    await stores.queue.admit(E, limits({ maxActive: 0, now: T0 + 29_999 }));
    expect(leftTotal(await stores.queue.figures(E, T0 + 29_999))).toBe(0);
    await stores.queue.admit(E, limits({ maxActive: 0, now: T0 + 30_000 }));
    const figures = await stores.queue.figures(E, T0 + 30_000);
    expect(leftTotal(figures)).toBe(2);
    expect(figures.left.map(({ level, firstBucket, counts }) => ({ level, firstBucket, count: counts.length }))).toEqual(
      segmentLayout(figures.cursor, figures.issued),
    );
    expect(await stores.queue.reconnect(E, 7, T0 + 31_000)).toEqual({ kind: 'waiting' });
    expect(leftTotal(await stores.queue.figures(E, T0 + 31_000))).toBe(1);
  });

  it('skips people who left without spending admissions on them', async () => {
    await stores.queue.joinBatch(E, 6, T0);
    await stores.queue.leave(E, 1, T0);
    await stores.queue.leave(E, 2, T0);
    await stores.queue.disconnect(E, [3], T0);
    const step = await stores.queue.admit(E, limits({ maxActive: 2 }));
    expect(step.admitted.map((a) => a.ticketNo)).toEqual([4, 5]);
    expect(step.skipped).toBe(3);
    const figures = await stores.queue.figures(E, T0);
    expect(figures.cursor).toBe(5);
    expect(leftTotal(figures)).toBe(0);
    expect(await stores.queue.reconnect(E, 1, T0)).toEqual({ kind: 'left' });
  });

  it('leaving after admission frees the active place', async () => {
    await stores.queue.joinBatch(E, 2, T0);
    await stores.queue.admit(E, limits({ maxActive: 1 }));
    await stores.queue.leave(E, 1, T0);
    expect((await stores.queue.figures(E, T0)).active).toBe(0);
    const next = await stores.queue.admit(E, limits({ maxActive: 1, now: T0 + 1000 }));
    expect(next.admitted.map((a) => a.ticketNo)).toEqual([2]);
  });

  it('admits nobody while paused, and does not bank admissions during the pause', async () => {
    await stores.queue.joinBatch(E, 50, T0);
    await stores.queue.leave(E, 1, T0);
    await stores.queue.disconnect(E, [2], T0);
    await stores.queue.setPaused(E, true);
    expect((await stores.queue.admit(E, limits({ admitsPerMinute: 60 }))).admitted).toEqual([]);
    expect((await stores.queue.admit(E, limits({ admitsPerMinute: 60, now: T0 + 30_000 }))).admitted).toEqual([]);
    // Nobody's turn passes during a pause, not even that of someone away or gone.
    expect(await stores.queue.figures(E, T0)).toMatchObject({ paused: true, cursor: 0 });
    expect(await stores.queue.reconnect(E, 2, T0 + 30_000)).toEqual({ kind: 'waiting' });
    await stores.queue.setPaused(E, false);
    const resumed = await stores.queue.admit(E, limits({ admitsPerMinute: 60, now: T0 + 31_000 }));
    expect(resumed.admitted.length).toBeLessThanOrEqual(1);
  });

  it('stops after maxSteps and reports the published rate', async () => {
    await stores.queue.joinBatch(E, 20, T0);
    const step = await stores.queue.admit(E, limits({ maxSteps: 5, ratePerMinute: 42 }));
    expect(step.cursor).toBe(5);
    expect(step.backlogged).toBe(true);
    expect((await stores.queue.figures(E, T0)).ratePerMinute).toBe(42);
  });

  it('returns unknown for tickets it never issued', async () => {
    expect(await stores.queue.reconnect(E, 99, T0)).toEqual({ kind: 'unknown' });
  });

  it('holds the controller lease for one holder at a time', async () => {
    expect(await stores.queue.acquireLease(E, 'a', 5000, T0)).toBe(true);
    expect(await stores.queue.acquireLease(E, 'b', 5000, T0 + 1000)).toBe(false);
    expect(await stores.queue.acquireLease(E, 'a', 5000, T0 + 2000)).toBe(true);
    await stores.queue.releaseLease(E, 'b');
    expect(await stores.queue.acquireLease(E, 'b', 5000, T0 + 3000)).toBe(false);
    await stores.queue.releaseLease(E, 'a');
    expect(await stores.queue.acquireLease(E, 'b', 5000, T0 + 3000)).toBe(true);
  });

  describe('bookings', () => {
    async function admitted(count: number): Promise<void> {
      await stores.queue.joinBatch(E, count, T0);
      await stores.queue.admit(E, limits({ maxActive: count }));
    }

    it('commits once, repeats idempotently, and refuses a second use of the grant', async () => {
      await admitted(1);
      const request = booking({ ticketNo: 1 });
      expect(await stores.bookings.commit(request)).toEqual({ kind: 'booked', booking: request.record });
      expect(await stores.bookings.commit({ ...request, reference: 'other' })).toEqual({ kind: 'repeated', booking: request.record });
      expect(await stores.bookings.commit(booking({ ticketNo: 1, personKey: 'someone-else' }))).toEqual({ kind: 'grant_used' });
      expect(await stores.bookings.bookingCount(E)).toBe(1);
      expect(await stores.bookings.taken(E)).toEqual(new Map([['c1/s1', 1]]));
      expect((await stores.queue.figures(E, T0)).active).toBe(0);
      expect(await stores.queue.reconnect(E, 1, T0)).toEqual({ kind: 'used' });
    });

    it('books one person once per event', async () => {
      await admitted(2);
      await stores.bookings.commit(booking({ ticketNo: 1, personKey: 'p' }));
      expect(await stores.bookings.commit(booking({ ticketNo: 2, personKey: 'p' }))).toEqual({ kind: 'already_booked' });
      expect((await stores.queue.figures(E, T0)).active).toBe(1);
    });

    it('refuses a full slot and a grant whose ticket is no longer admitted, changing nothing', async () => {
      await admitted(3);
      await stores.bookings.commit(booking({ ticketNo: 1, slotCapacity: 1 }));
      expect(await stores.bookings.commit(booking({ ticketNo: 2, slotCapacity: 1 }))).toEqual({ kind: 'slot_full' });
      await stores.queue.leave(E, 3, T0);
      expect(await stores.bookings.commit(booking({ ticketNo: 3, slotId: 's2' }))).toEqual({ kind: 'grant_revoked' });
      expect(await stores.bookings.commit(booking({ ticketNo: 99, slotId: 's2' }))).toEqual({ kind: 'grant_revoked' });
      expect(await stores.bookings.bookingCount(E)).toBe(1);
      expect(await stores.bookings.taken(E)).toEqual(new Map([['c1/s1', 1]]));
    });

    it('200 concurrent redemptions of one grant make exactly one booking', async () => {
      await admitted(1);
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, k) => stores.bookings.commit(booking({ ticketNo: 1, personKey: `p${k}` }))),
      );
      expect(outcomes.filter((o) => o.kind === 'booked')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'grant_used')).toHaveLength(199);
      expect(await stores.bookings.bookingCount(E)).toBe(1);
    });

    it('a slot of capacity N with 3N concurrent bookers takes exactly N', async () => {
      const N = 20;
      await admitted(3 * N);
      const outcomes = await Promise.all(
        Array.from({ length: 3 * N }, (_, k) => stores.bookings.commit(booking({ ticketNo: k + 1, slotCapacity: N }))),
      );
      expect(outcomes.filter((o) => o.kind === 'booked')).toHaveLength(N);
      expect(outcomes.filter((o) => o.kind === 'slot_full')).toHaveLength(2 * N);
      expect(await stores.bookings.taken(E)).toEqual(new Map([['c1/s1', N]]));
    });
  });
});
