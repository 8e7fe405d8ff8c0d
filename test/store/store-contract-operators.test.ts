/**
 * The store contract for what operators do (the console): notices, ticket
 * revocation, gateways' reports of themselves and operator sessions. Every
 * case runs against memory and a real Redis (unique key prefix per test),
 * like store-contract.test.ts, whose size this keeps down.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { peopleAhead } from '../../shared/queue/position.js';
import { RECENT_REVOCATIONS, type BookingRequest, type Stores } from '../../server/store/types.js';
import { admitStep } from '../support/admit-step.js';
import { snapshotOf } from '../support/snapshot.js';
import { storeFactories } from '../support/stores.js';

const E = 'ev-ops';
const T0 = Date.UTC(2026, 10, 24, 11, 0, 0);
const NODE = 101;

/** A booking with ticket `ticketNo`'s grant (the signature was checked before the store is asked). */
function bookingOf(ticketNo: number): BookingRequest {
  const reference = `ref-${ticketNo}`;
  return {
    eventId: E,
    grantId: `${E}:${ticketNo}`,
    ticketNo,
    personKey: `person-${ticketNo}`,
    centerId: 'c1',
    slotId: 's1',
    slotCapacity: 100,
    reference,
    record: { reference, eventId: E, ticketNo, centerId: 'c1', slotId: 's1', name: `person-${ticketNo}`, birthDate: '1970-01-01', bookedAt: T0 },
  };
}

describe.each(storeFactories)('store contract, operators: $name', (factory) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await factory.create();
  });
  afterEach(async () => {
    await stores.close();
  });

  it('keeps one notice per event under increasing ids, read with the figures; an empty text clears it', async () => {
    expect((await stores.queue.figures(E, T0, NODE)).notice).toBeNull();
    expect(await stores.queue.setNotice(E, '점검 중입니다', T0)).toEqual({ id: 1, text: '점검 중입니다', en: null, at: T0 });
    expect(await stores.queue.setNotice(E, 'Back soon', T0 + 1000)).toEqual({ id: 2, text: 'Back soon', en: null, at: T0 + 1000 });
    expect((await stores.queue.figures(E, T0 + 2000, NODE)).notice).toEqual({ id: 2, text: 'Back soon', en: null, at: T0 + 1000 });
    expect((await stores.queue.figures('ev-other', T0, NODE)).notice).toBeNull();
    await stores.queue.setNotice(E, '', T0 + 3000);
    expect((await stores.queue.figures(E, T0 + 3000, NODE)).notice).toEqual({ id: 3, text: '', en: null, at: T0 + 3000 });
  });

  it('keeps a notice in two languages; the next one-language notice drops the English text', async () => {
    expect(await stores.queue.setNotice(E, '잠시 후 재개합니다', T0, 'Resuming shortly')).toEqual({
      id: 1,
      text: '잠시 후 재개합니다',
      en: 'Resuming shortly',
      at: T0,
    });
    expect((await stores.queue.figures(E, T0 + 1000, NODE)).notice).toEqual({ id: 1, text: '잠시 후 재개합니다', en: 'Resuming shortly', at: T0 });
    await stores.queue.setNotice(E, '재개했습니다', T0 + 2000);
    expect((await stores.queue.figures(E, T0 + 3000, NODE)).notice).toEqual({ id: 2, text: '재개했습니다', en: null, at: T0 + 2000 });
  });

  it('revokes a waiting ticket: nobody counts it ahead, it is never admitted, cannot resume or book', async () => {
    await stores.queue.joinBatch(E, 5, T0, NODE, 0);
    expect(await stores.queue.revoke(E, 2, T0)).toEqual({ kind: 'revoked', wasAdmitted: false });
    const figures = await stores.queue.figures(E, T0, NODE);
    expect(peopleAhead(snapshotOf(figures), 5)).toBe(3);
    expect(figures.revoked).toEqual({ seq: 1, recent: [2] });
    expect(await stores.queue.reconnect(E, 2, T0, NODE)).toEqual({ kind: 'revoked' });
    const step = await stores.queue.admit(E, admitStep(T0, { maxActive: 2 }));
    expect(step).toMatchObject({ leader: true, admitted: [{ ticketNo: 1 }, { ticketNo: 3 }], skipped: 1 });
    // Passed by the cursor, it is no longer counted as a leaver, and stays revoked.
    expect(peopleAhead(snapshotOf(await stores.queue.figures(E, T0, NODE)), 5)).toBe(1);
    expect(await stores.queue.admissionStatus(E, [2], T0)).toEqual([{ kind: 'revoked' }]);
    expect(await stores.bookings.commit(bookingOf(2))).toEqual({ kind: 'grant_revoked' });
    expect(await stores.bookings.bookingCount(E)).toBe(0);
  });

  it('revokes an admitted ticket: its active place is freed and its grant books nothing', async () => {
    await stores.queue.joinBatch(E, 3, T0, NODE, 0);
    await stores.queue.admit(E, admitStep(T0, { maxActive: 1 }));
    expect((await stores.queue.figures(E, T0, NODE)).active).toBe(1);
    expect(await stores.queue.revoke(E, 1, T0 + 1000)).toEqual({ kind: 'revoked', wasAdmitted: true });
    expect((await stores.queue.figures(E, T0 + 1000, NODE)).active).toBe(0);
    expect(await stores.queue.reconnect(E, 1, T0 + 1000, NODE)).toEqual({ kind: 'revoked' });
    expect(await stores.bookings.commit(bookingOf(1))).toEqual({ kind: 'grant_revoked' });
    const next = await stores.queue.admit(E, admitStep(T0 + 2000, { maxActive: 1 }));
    expect(next).toMatchObject({ leader: true, admitted: [{ ticketNo: 2 }] });
  });

  it('revokes away, left and requeued tickets too, and says why it cannot revoke the others', async () => {
    await stores.queue.joinBatch(E, 6, T0, NODE, 0);
    await stores.queue.disconnect(E, [1], T0, NODE);
    await stores.queue.leave(E, 2, T0);
    await stores.queue.admit(E, admitStep(T0, { maxActive: 2 }));
    // 1 was away: passed; back now, requeued. 2 left: finished. 3 and 4 admitted.
    expect(await stores.queue.reconnect(E, 1, T0, NODE)).toEqual({ kind: 'requeued' });
    await stores.bookings.commit(bookingOf(3));
    await stores.queue.disconnect(E, [5], T0, NODE);
    await stores.queue.leave(E, 6, T0);
    expect(await stores.queue.revoke(E, 1, T0)).toEqual({ kind: 'revoked', wasAdmitted: false });
    expect((await stores.queue.figures(E, T0, NODE)).requeued).toBe(0);
    expect(await stores.queue.revoke(E, 5, T0)).toEqual({ kind: 'revoked', wasAdmitted: false });
    expect(await stores.queue.revoke(E, 6, T0)).toEqual({ kind: 'revoked', wasAdmitted: false });
    expect(await stores.queue.reconnect(E, 5, T0, NODE)).toEqual({ kind: 'revoked' });
    expect(await stores.queue.revoke(E, 2, T0)).toEqual({ kind: 'finished' });
    expect(await stores.queue.revoke(E, 3, T0)).toEqual({ kind: 'used' });
    expect(await stores.queue.revoke(E, 5, T0)).toEqual({ kind: 'already_revoked' });
    expect(await stores.queue.revoke(E, 99, T0)).toEqual({ kind: 'unknown' });
    const figures = await stores.queue.figures(E, T0, NODE);
    expect(figures.revoked).toEqual({ seq: 3, recent: [1, 5, 6] });
    expect(peopleAhead(snapshotOf(figures), 7)).toBe(0);
  });

  it(`lists the latest ${RECENT_REVOCATIONS} revocations and counts them all`, async () => {
    const count = RECENT_REVOCATIONS + 6;
    await stores.queue.joinBatch(E, count, T0, NODE, 0);
    for (let n = 1; n <= count; n++) await stores.queue.revoke(E, n, T0);
    const { revoked } = await stores.queue.figures(E, T0, NODE);
    expect(revoked.seq).toBe(count);
    expect(revoked.recent).toEqual(Array.from({ length: RECENT_REVOCATIONS }, (_, k) => k + 7));
  });

  it("keeps each node's last report of itself until told to forget it", async () => {
    await stores.queue.recordPresence(NODE, { name: 'gw-1', connections: 12 }, T0);
    await stores.queue.recordPresence(202, { name: 'gw-2', connections: 3 }, T0);
    await stores.queue.recordPresence(NODE, { name: 'gw-1', connections: 15 }, T0 + 1000);
    const byNode = (list: Awaited<ReturnType<Stores['queue']['presence']>>) => [...list].sort((a, b) => a.node - b.node);
    expect(byNode(await stores.queue.presence())).toEqual([
      { node: NODE, name: 'gw-1', connections: 15, lastSeenAt: T0 + 1000 },
      { node: 202, name: 'gw-2', connections: 3, lastSeenAt: T0 },
    ]);
    await stores.queue.forgetPresence([202]);
    expect((await stores.queue.presence()).map((report) => report.node)).toEqual([NODE]);
  });

  it('keeps operator sessions until they expire or are deleted', async () => {
    const record = { name: 'ana', role: 'operator', expiresAt: T0 + 60_000 };
    await stores.sessions.put('hash-a', record, T0);
    expect(await stores.sessions.get('hash-a', T0 + 59_999)).toEqual(record);
    expect(await stores.sessions.get('hash-a', T0 + 60_000)).toBeNull();
    expect(await stores.sessions.get('hash-b', T0)).toBeNull();
    await stores.sessions.put('hash-b', { ...record, expiresAt: T0 + 120_000 }, T0);
    await stores.sessions.delete('hash-b');
    expect(await stores.sessions.get('hash-b', T0)).toBeNull();
  });
});
