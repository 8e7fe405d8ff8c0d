/**
 * Branches of commit-booking.lua (including the admissions a restart lost),
 * release-booked.lua, revoke.lua and the two small event-wide scripts (set-notice,
 * publish-events). On the test's own redis-server; restart states are written
 * into Redis directly. Titles start with the branch tags of docs/redis-scripts.md.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { bookingFingerprint, slotKey } from '../../server/store/booking-fingerprint.js';
import { RESTART_TICKET_GAP } from '../../server/store/restart-gap.js';
import { Status } from '../../server/store/ticket-status.js';
import type { BookingRequest } from '../../server/store/types.js';
import { admitStep } from '../support/admit-step.js';
import { bookingRequest } from '../support/booking-request.js';
import { loseTickets } from '../support/lost-tickets.js';
import { EVENT, NODE, T0, useScriptBench } from '../support/script-bench.js';

const bench = useScriptBench();

const request = (ticketNo: number, overrides: Partial<BookingRequest> = {}) => bookingRequest(EVENT, ticketNo, T0, overrides);
const commit = (ticketNo: number, overrides: Partial<BookingRequest> = {}) => bench.stores.bookings.commit(request(ticketNo, overrides));
const status = (ticket: number) => bench.raw.hGet(bench.k.status, String(ticket));

describe('commit-booking.lua: refusals, nothing written', () => {
  beforeEach(async () => {
    await bench.stores.queue.joinBatch(EVENT, 3, T0, NODE, 0);
    await bench.stores.queue.admit(EVENT, admitStep(T0));
  });

  it('commit-booking/bad-argument: a missing booking record fails before the slot, grant or person is written', async () => {
    const r = request(1);
    const args = [r.grantId, r.ticketNo, r.personKey, slotKey('c1', 's1'), 10, r.reference, bookingFingerprint(r.personKey, 'c1', 's1')];
    const before = await bench.state();
    await expect(bench.run('commit-booking', args)).rejects.toThrow(/BAD_SCRIPT_ARGUMENT commit-booking.lua ARGV\[8\] booking record/);
    expect(await bench.state()).toEqual(before);
  });

  it('commit-booking/repeated: the same grant and request answer the stored booking', async () => {
    await commit(1);
    const before = await bench.state();
    expect(await commit(1, { reference: 'ref-other' })).toEqual({ kind: 'repeated', booking: request(1).record });
    expect(await bench.state()).toEqual(before);
  });

  it('commit-booking/grant-used: the same grant for another slot is refused', async () => {
    await commit(1);
    const before = await bench.state();
    expect(await commit(1, { slotId: 's2' })).toEqual({ kind: 'grant_used' });
    expect(await bench.state()).toEqual(before);
  });

  it('commit-booking/grant-revoked: a ticket that left, finished, was used or revoked books nothing', async () => {
    await bench.raw.hSet(bench.k.status, { 1: 'l', 2: 'x', 3: 'v' });
    await commit(4);
    await bench.raw.hSet(bench.k.status, '4', 'u');
    const before = await bench.state();
    for (const ticketNo of [1, 2, 3]) expect(await commit(ticketNo)).toEqual({ kind: 'grant_revoked' });
    expect(await commit(4, { grantId: 'grant-4b', personKey: 'person-4b' })).toEqual({ kind: 'grant_revoked' });
    expect(await bench.state()).toEqual(before);
  });

  it('commit-booking/already-booked: one booking per person per event', async () => {
    await commit(1);
    const before = await bench.state();
    expect(await commit(2, { personKey: 'person-1' })).toEqual({ kind: 'already_booked' });
    expect(await bench.state()).toEqual(before);
  });

  it('commit-booking/slot-full: a slot at capacity takes no more', async () => {
    await commit(1, { slotCapacity: 1 });
    const before = await bench.state();
    expect(await commit(2, { slotCapacity: 1 })).toEqual({ kind: 'slot_full' });
    expect(await bench.state()).toEqual(before);
  });
});

describe('commit-booking.lua: bookings', () => {
  beforeEach(() => bench.stores.queue.joinBatch(EVENT, 3, T0, NODE, 0));

  it('commit-booking/booked-granted: the grant is used and its active place freed', async () => {
    await bench.stores.queue.admit(EVENT, admitStep(T0));
    expect((await commit(1)).kind).toBe('booked');
    expect(await status(1)).toBe('u');
    expect(await bench.meta('active')).toBe(2);
    expect(await bench.raw.zScore(bench.k.active, '1')).toBeNull();
    expect(await bench.stores.bookings.taken(EVENT)).toEqual(new Map([['c1/s1', 1]]));
  });

  it('commit-booking/booked-waiting: an admission lost in a restart (the ticket waits again) books all the same', async () => {
    expect((await commit(2)).kind).toBe('booked');
    expect(await status(2)).toBe('u');
    expect(await bench.raw.zScore(bench.k.held, '2')).toBeNull();
  });

  it('commit-booking/booked-away: an away ticket books and leaves the away set', async () => {
    await bench.stores.queue.disconnect(EVENT, [2], T0, NODE);
    expect((await commit(2)).kind).toBe('booked');
    expect(await bench.raw.zScore(bench.k.away, '2')).toBeNull();
  });

  it('commit-booking/booked-requeued: a requeued ticket books and leaves the requeued set', async () => {
    await bench.requeue(2);
    expect((await commit(2)).kind).toBe('booked');
    expect(await bench.meta('requeued')).toBe(0);
  });

  it('commit-booking/booked-lost: a number lost in a restart books, runs the restart check and is no longer a leaver', async () => {
    await loseTickets(bench.raw, bench.k, [2, 3]);
    expect((await commit(3)).kind).toBe('booked');
    expect(await status(3)).toBe('u');
    expect(await bench.meta('issued')).toBe(1 + RESTART_TICKET_GAP);
    expect(await bench.leftCounted()).toBe(RESTART_TICKET_GAP - 1);
    expect((await commit(3)).kind).toBe('repeated');
  });

  it('helpers/reclaim-never-issued: a signed ticket beyond every number issued books, un-counting nothing', async () => {
    await loseTickets(bench.raw, bench.k, [2, 3]);
    const beyond = 2 + RESTART_TICKET_GAP;
    expect((await commit(beyond)).kind).toBe('booked');
    expect(await bench.leftCounted()).toBe(RESTART_TICKET_GAP);
    expect(await bench.raw.zCard(bench.k.reclaimed)).toBe(0);
  });
});

describe('release-booked.lua (the queue side of a PostgreSQL booking)', () => {
  const release = (ticket: number) => bench.stores.queue.releaseBooked(EVENT, ticket);
  beforeEach(() => bench.stores.queue.joinBatch(EVENT, 3, T0, NODE, 0));

  it('release-booked/bad-argument: a ticket number that is not an integer fails, nothing written', async () => {
    await expect(bench.run('release-booked', ['1.5'])).rejects.toThrow(/BAD_SCRIPT_ARGUMENT release-booked.lua ARGV\[1\] ticketNo/);
    expect(await status(1)).toBe('w');
  });

  it('release-booked/released: a granted ticket is used and its active place freed; requeued and away ones leave their sets', async () => {
    await bench.stores.queue.admit(EVENT, admitStep(T0, { maxActive: 1 }));
    expect(await release(1)).toBe(true);
    expect(await status(1)).toBe('u');
    expect(await bench.meta('active')).toBe(0);
    expect(await bench.raw.zScore(bench.k.active, '1')).toBeNull();
    await bench.requeue(2);
    expect(await release(2)).toBe(true);
    expect(await bench.meta('requeued')).toBe(0);
    await bench.stores.queue.disconnect(EVENT, [3], T0, NODE);
    expect(await release(3)).toBe(true);
    expect(await bench.raw.zScore(bench.k.away, '3')).toBeNull();
    expect(await bench.raw.zScore(bench.k.held, '3')).toBeNull();
  });

  it('release-booked/done: a second release, or one of a ticket that left or was revoked, frees nothing', async () => {
    await bench.stores.queue.admit(EVENT, admitStep(T0, { maxActive: 3 }));
    expect(await release(1)).toBe(true);
    expect(await release(1)).toBe(false);
    await bench.stores.queue.revoke(EVENT, 2, T0);
    await bench.stores.queue.leave(EVENT, 3, T0);
    const active = await bench.meta('active');
    expect(await release(2)).toBe(false);
    expect(await release(3)).toBe(false);
    expect(await bench.meta('active')).toBe(active);
    expect(await status(2)).toBe(Status.REVOKED);
  });

  it('release-booked/lost: a number lost in a restart is used, the restart check run, no longer a leaver', async () => {
    await loseTickets(bench.raw, bench.k, [2, 3]);
    expect(await release(3)).toBe(true);
    expect(await status(3)).toBe('u');
    expect(await bench.meta('issued')).toBe(1 + RESTART_TICKET_GAP);
    expect(await bench.leftCounted()).toBe(RESTART_TICKET_GAP - 1);
    expect(await release(3)).toBe(false);
  });
});

describe('revoke.lua', () => {
  const revoke = (ticket: number) => bench.stores.queue.revoke(EVENT, ticket, T0);
  beforeEach(() => bench.stores.queue.joinBatch(EVENT, 3, T0, NODE, 0));

  it('revoke/bad-argument: a missing list length fails before the ticket is revoked', async () => {
    const before = await bench.state();
    await expect(bench.run('revoke', [1])).rejects.toThrow(/BAD_SCRIPT_ARGUMENT revoke.lua ARGV\[2\]/);
    expect(await bench.state()).toEqual(before);
  });

  it('revoke/unknown, revoke/already-revoked, revoke/used, revoke/finished: refused, nothing written', async () => {
    await bench.raw.hSet(bench.k.status, { 1: 'v', 2: 'u', 3: 'x' });
    const before = await bench.state();
    expect(await revoke(9)).toEqual({ kind: 'unknown' });
    expect(await revoke(1)).toEqual({ kind: 'already_revoked' });
    expect(await revoke(2)).toEqual({ kind: 'used' });
    expect(await revoke(3)).toEqual({ kind: 'finished' });
    expect(await bench.state()).toEqual(before);
  });

  it('revoke/waiter: a waiting or away ticket is counted as a leaver and listed as revoked', async () => {
    await bench.stores.queue.disconnect(EVENT, [2], T0, NODE);
    expect(await revoke(1)).toEqual({ kind: 'revoked', wasAdmitted: false });
    expect(await revoke(2)).toEqual({ kind: 'revoked', wasAdmitted: false });
    expect(await bench.leftCounted()).toBe(2);
    expect(await bench.raw.zScore(bench.k.away, '2')).toBeNull();
    expect(await bench.raw.hmGet(bench.k.meta, ['revokedRecent', 'revokedSeq'])).toEqual(['1 2', '2']);
  });

  it('revoke/requeued: a requeued ticket leaves the requeued set', async () => {
    await bench.requeue(1);
    expect(await revoke(1)).toEqual({ kind: 'revoked', wasAdmitted: false });
    expect(await bench.meta('requeued')).toBe(0);
  });

  it('revoke/left-or-passed: a leaver is not counted twice, a passed ticket not at all', async () => {
    await bench.stores.queue.leave(EVENT, 1, T0);
    await bench.raw.hSet(bench.k.status, '2', 'p');
    expect(await revoke(1)).toEqual({ kind: 'revoked', wasAdmitted: false });
    expect(await revoke(2)).toEqual({ kind: 'revoked', wasAdmitted: false });
    expect(await bench.leftCounted()).toBe(1);
  });

  it('revoke/granted: a grant is revoked and frees its active place', async () => {
    await bench.stores.queue.admit(EVENT, admitStep(T0, { maxActive: 1 }));
    expect(await revoke(1)).toEqual({ kind: 'revoked', wasAdmitted: true });
    expect(await bench.meta('active')).toBe(0);
    expect(await status(1)).toBe('v');
  });
});

describe('set-notice.lua and publish-events.lua', () => {
  it('set-notice/bad-argument: a missing time fails before the notice id moves', async () => {
    const before = await bench.state();
    await expect(bench.scriptsRun('set-notice', [bench.k.meta], ['Doors open at 9'])).rejects.toThrow(/BAD_SCRIPT_ARGUMENT set-notice.lua ARGV\[2\] now/);
    expect(await bench.state()).toEqual(before);
  });

  it('set-notice/set: each notice takes the next id', async () => {
    expect(await bench.stores.queue.setNotice(EVENT, 'one', T0)).toEqual({ id: 1, text: 'one', en: null, at: T0 });
    expect(await bench.stores.queue.setNotice(EVENT, '', T0 + 1)).toEqual({ id: 2, text: '', en: null, at: T0 + 1 });
    expect(await bench.stores.queue.setNotice(EVENT, '하나', T0 + 2, 'one')).toEqual({ id: 3, text: '하나', en: 'one', at: T0 + 2 });
  });

  const published = { document: { events: [] }, fileDigest: 'd1', publishedBy: 'ops', publishedAt: T0 };

  it('publish-events/published: the expected revision publishes the next one', async () => {
    expect(await bench.stores.events.publish(0, published)).toEqual({ ok: true, revision: 1 });
    expect(await bench.stores.events.read()).toEqual({ revision: 1, ...published });
  });

  it('publish-events/conflict: a stale revision publishes nothing and answers the current one', async () => {
    await bench.stores.events.publish(0, published);
    expect(await bench.stores.events.publish(0, { ...published, fileDigest: 'd2' })).toEqual({ ok: false, current: 1 });
    expect((await bench.stores.events.read())?.fileDigest).toBe('d1');
  });
});
