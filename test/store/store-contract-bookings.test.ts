/**
 * The booking contract every booking store keeps: memory, a real Redis
 * (unique key prefix per test) and PostgreSQL (a database of its own per
 * test) beside a memory queue. Each also does the queue side of a commit: the
 * ticket used, its active place freed, a ticket that left refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BookingRequest, Stores } from '../../server/store/types.js';
import { admitStep } from '../support/admit-step.js';
import { bookingStoreFactories } from '../support/booking-stores.js';

const E = 'ev-1';
const T0 = Date.UTC(2026, 10, 24, 11, 0, 0);
const NODE = 101;

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

describe.each(bookingStoreFactories)('store contract, bookings: $name', (factory) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await factory.create();
  });
  afterEach(async () => {
    await stores.close();
  });

  async function admitted(count: number): Promise<void> {
    await stores.queue.joinBatch(E, count, T0, NODE, 0);
    const step = await stores.queue.admit(E, admitStep(T0, { maxActive: count }));
    expect(step).toMatchObject({ leader: true, active: count });
  }

  it('commits once, repeats idempotently, and refuses a second use of the grant', async () => {
    await admitted(1);
    const request = booking({ ticketNo: 1 });
    expect(await stores.bookings.commit(request)).toEqual({ kind: 'booked', booking: request.record });
    expect(await stores.bookings.commit({ ...request, reference: 'other' })).toEqual({ kind: 'repeated', booking: request.record });
    expect(await stores.bookings.commit(booking({ ticketNo: 1, personKey: 'someone-else' }))).toEqual({ kind: 'grant_used' });
    expect(await stores.bookings.bookingCount(E)).toBe(1);
    expect(await stores.bookings.taken(E)).toEqual(new Map([['c1/s1', 1]]));
    expect((await stores.queue.figures(E, T0, NODE)).active).toBe(0);
    expect(await stores.queue.reconnect(E, 1, T0, NODE)).toEqual({ kind: 'used' });
  });

  it('books one person once per event', async () => {
    await admitted(2);
    await stores.bookings.commit(booking({ ticketNo: 1, personKey: 'p' }));
    expect(await stores.bookings.commit(booking({ ticketNo: 2, personKey: 'p' }))).toEqual({ kind: 'already_booked' });
    expect(await stores.bookings.bookingCount(E)).toBe(1);
    expect((await stores.queue.figures(E, T0, NODE)).active).toBe(1);
  });

  it('refuses a full slot, changing nothing', async () => {
    await admitted(2);
    await stores.bookings.commit(booking({ ticketNo: 1, slotCapacity: 1 }));
    expect(await stores.bookings.commit(booking({ ticketNo: 2, slotCapacity: 1 }))).toEqual({ kind: 'slot_full' });
    expect(await stores.bookings.bookingCount(E)).toBe(1);
    expect(await stores.bookings.taken(E)).toEqual(new Map([['c1/s1', 1]]));
    // The refusal consumed neither the grant nor the person: both book another slot.
    const retry = booking({ ticketNo: 2, slotId: 's2', slotCapacity: 1 });
    expect(await stores.bookings.commit(retry)).toEqual({ kind: 'booked', booking: retry.record });
  });

  it('refuses a grant whose ticket is no longer admitted, changing nothing', async () => {
    await admitted(3);
    await stores.bookings.commit(booking({ ticketNo: 1, slotCapacity: 1 }));
    await stores.queue.leave(E, 3, T0);
    expect(await stores.bookings.commit(booking({ ticketNo: 3, slotId: 's2' }))).toEqual({ kind: 'grant_revoked' });
    expect(await stores.bookings.bookingCount(E)).toBe(1);
    expect(await stores.bookings.taken(E)).toEqual(new Map([['c1/s1', 1]]));
  });

  it('books a signed grant whose admission the store lost (a restart), once', async () => {
    // The grant's signature is checked before commit, so its ticket was admitted;
    // here the store still has ticket 2 waiting, as after losing its last writes.
    await stores.queue.joinBatch(E, 2, T0, NODE, 0);
    const request = booking({ ticketNo: 2 });
    expect(await stores.bookings.commit(request)).toEqual({ kind: 'booked', booking: request.record });
    expect(await stores.bookings.commit(request)).toEqual({ kind: 'repeated', booking: request.record });
    expect(await stores.queue.reconnect(E, 2, T0, NODE)).toEqual({ kind: 'used' });
    const step = await stores.queue.admit(E, admitStep(T0, { maxActive: 5 }));
    expect(step).toMatchObject({ leader: true, admitted: [{ ticketNo: 1 }] });
  });

  it('200 concurrent redemptions of one grant make exactly one booking', async () => {
    await admitted(1);
    const outcomes = await Promise.all(Array.from({ length: 200 }, (_, k) => stores.bookings.commit(booking({ ticketNo: 1, personKey: `p${k}` }))));
    expect(outcomes.filter((o) => o.kind === 'booked')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'grant_used')).toHaveLength(199);
    expect(await stores.bookings.bookingCount(E)).toBe(1);
  });

  it('a slot of capacity N with 3N concurrent bookers takes exactly N', async () => {
    const N = 20;
    await admitted(3 * N);
    const outcomes = await Promise.all(Array.from({ length: 3 * N }, (_, k) => stores.bookings.commit(booking({ ticketNo: k + 1, slotCapacity: N }))));
    expect(outcomes.filter((o) => o.kind === 'booked')).toHaveLength(N);
    expect(outcomes.filter((o) => o.kind === 'slot_full')).toHaveLength(2 * N);
    expect(await stores.bookings.taken(E)).toEqual(new Map([['c1/s1', N]]));
  });

  it('one person with two grants, both redeemed 50 times at once, books once', async () => {
    await admitted(2);
    const requests = [booking({ ticketNo: 1, personKey: 'p' }), booking({ ticketNo: 2, personKey: 'p' })];
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, k) => stores.bookings.commit(requests[k % 2]!)));
    const booked = outcomes.filter((o) => o.kind === 'booked');
    expect(booked).toHaveLength(1);
    const winner = booked[0]!.kind === 'booked' ? booked[0]!.booking.ticketNo : 0;
    // The winning grant's repeats return its booking; the other grant finds the person booked.
    expect(outcomes.filter((o) => o.kind === 'repeated')).toHaveLength(49);
    expect(outcomes.filter((o) => o.kind === 'already_booked')).toHaveLength(50);
    expect(outcomes.filter((o) => o.kind === 'repeated' && o.booking.ticketNo !== winner)).toEqual([]);
    expect(await stores.bookings.bookingCount(E)).toBe(1);
    expect(await stores.bookings.taken(E)).toEqual(new Map([['c1/s1', 1]]));
  });
});
