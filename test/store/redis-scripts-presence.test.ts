/**
 * Branches of the scripts a holder's comings and goings run (reconnect,
 * disconnect, leave) and of the helpers behind them: letting a ticket go,
 * counting leavers, and taking back a number Redis lost in a restart. On the
 * test's own redis-server; restart states are written into Redis directly.
 * Titles start with the branch tags of docs/redis-scripts.md.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { RESTART_TICKET_GAP } from '../../server/store/restart-gap.js';
import { admitStep } from '../support/admit-step.js';
import { loseTickets } from '../support/lost-tickets.js';
import { EVENT, NODE, T0, useScriptBench } from '../support/script-bench.js';

const OPENS = T0 + 60_000;
const OTHER_NODE = 8;
// The gap is crossed in one step, however long it is.
const step = admitStep(T0, { nodeTimeoutMs: 60_000, maxSteps: 20 });

const bench = useScriptBench(() => 77);

const status = (ticket: number) => bench.raw.hGet(bench.k.status, String(ticket));
const reconnect = (ticket: number, now = T0) => bench.stores.queue.reconnect(EVENT, ticket, now, NODE);

/** Ticket 2 of 3 away since T0, and turned left by the controller once its grace is over. */
async function leftAtT0(opensAt = 0): Promise<void> {
  await bench.stores.queue.joinBatch(EVENT, 3, T0, NODE, opensAt);
  await bench.stores.queue.disconnect(EVENT, [2], T0, NODE);
  await bench.stores.queue.admit(EVENT, admitStep(T0 + 60_000, { opensAt, nodeTimeoutMs: 600_000, maxActive: 0 }));
}

describe('reconnect.lua', () => {
  beforeEach(() => bench.stores.queue.joinBatch(EVENT, 3, T0, NODE, 0));

  it('reconnect/bad-argument: a malformed node number fails before the away ticket changes', async () => {
    await bench.stores.queue.disconnect(EVENT, [2], T0, NODE);
    const before = await bench.state();
    await expect(bench.run('reconnect', [2, T0, 'node-7'])).rejects.toThrow(/BAD_SCRIPT_ARGUMENT reconnect.lua ARGV\[3\] node number/);
    expect(await bench.state()).toEqual(before);
  });

  it('reconnect/unknown: a number never issued is unknown, and the pending restart check writes nothing', async () => {
    await loseTickets(bench.raw, bench.k, [3]);
    const before = await bench.state();
    expect(await reconnect(2 + RESTART_TICKET_GAP + 1)).toEqual({ kind: 'unknown' });
    expect(await bench.state()).toEqual(before);
  });

  it('reconnect/lost-waiting: a lost number ahead of the cursor waits again, held by the node', async () => {
    await loseTickets(bench.raw, bench.k, [2, 3]);
    expect(await reconnect(3)).toEqual({ kind: 'waiting' });
    expect(await status(3)).toBe('w');
    expect(await bench.raw.zScore(bench.k.held, '3')).toBe(NODE);
  });

  it('reconnect/lost-requeued: a lost number the cursor crossed is requeued', async () => {
    await loseTickets(bench.raw, bench.k, [2, 3]);
    await bench.stores.queue.admit(EVENT, step);
    expect(await reconnect(3)).toEqual({ kind: 'requeued' });
    expect(await bench.raw.zScore(bench.k.requeued, '3')).toBe(3);
  });

  it('reconnect/waiting: a waiting ticket is held by the node it came back to', async () => {
    expect(await bench.stores.queue.reconnect(EVENT, 1, T0, OTHER_NODE)).toEqual({ kind: 'waiting' });
    expect(await bench.raw.zScore(bench.k.held, '1')).toBe(OTHER_NODE);
  });

  it('reconnect/away: an away ticket waits again', async () => {
    await bench.stores.queue.disconnect(EVENT, [2], T0, NODE);
    expect(await reconnect(2)).toEqual({ kind: 'waiting' });
    expect(await bench.raw.zScore(bench.k.away, '2')).toBeNull();
  });

  it('reconnect/passed-or-requeued: a passed ticket is requeued, and a requeued one stays so', async () => {
    await bench.stores.queue.disconnect(EVENT, [1], T0, NODE);
    await bench.stores.queue.admit(EVENT, admitStep(T0, { maxActive: 0, maxSteps: 1 }));
    expect(await status(1)).toBe('p');
    expect(await reconnect(1)).toEqual({ kind: 'requeued' });
    expect(await reconnect(1)).toEqual({ kind: 'requeued' });
    expect(await bench.meta('requeued')).toBe(1);
  });

  it('reconnect/admitted and reconnect/grant-expired: a grant is reported until it expires', async () => {
    await bench.raw.hSet(bench.k.status, '1', `g${T0 + 1000}`);
    expect(await reconnect(1, T0)).toEqual({ kind: 'admitted', grantExpiresAt: T0 + 1000 });
    expect(await reconnect(1, T0 + 1000)).toEqual({ kind: 'grant_expired' });
  });

  it('reconnect/grant-expired: at or past its expiry', async () => {
    await bench.raw.hSet(bench.k.status, '1', `g${T0 - 1}`);
    expect(await reconnect(1)).toEqual({ kind: 'grant_expired' });
  });

  it('reconnect/used, reconnect/revoked, reconnect/finished: done tickets are reported, nothing written', async () => {
    await bench.raw.hSet(bench.k.status, { 1: 'u', 2: 'v', 3: 'x' });
    const before = await bench.state();
    expect(await reconnect(1)).toEqual({ kind: 'used' });
    expect(await reconnect(2)).toEqual({ kind: 'revoked' });
    expect(await reconnect(3)).toEqual({ kind: 'left' });
    expect(await bench.state()).toEqual(before);
  });
});

describe('reconnect.lua with leavers', () => {
  it('reconnect/left: a leaver waits again and is no longer counted', async () => {
    await leftAtT0();
    expect(await bench.leftCounted()).toBe(1);
    expect(await reconnect(2)).toEqual({ kind: 'waiting' });
    expect(await bench.leftCounted()).toBe(0);
  });

  it('helpers/unleaver-deferred: a pre-queue leaver who comes back before the draw leaves deferred', async () => {
    await leftAtT0(OPENS + 600_000);
    expect(await bench.raw.zCard(bench.k.deferred)).toBe(1);
    expect(await reconnect(2)).toEqual({ kind: 'waiting' });
    expect(await bench.raw.zCard(bench.k.deferred)).toBe(0);
  });
});

describe('disconnect.lua and letting go (helpers.lua)', () => {
  beforeEach(() => bench.stores.queue.joinBatch(EVENT, 3, T0, NODE, 0));

  it('disconnect/bad-argument: a missing time fails before any ticket turns away', async () => {
    const before = await bench.state();
    await expect(bench.run('disconnect', ['', NODE, 1, 2])).rejects.toThrow(/BAD_SCRIPT_ARGUMENT disconnect.lua ARGV\[1\] now/);
    expect(await bench.state()).toEqual(before);
  });

  it('disconnect/let-go and helpers/let-go-waiting: a waiting ticket of this node turns away as of now', async () => {
    await bench.stores.queue.disconnect(EVENT, [1], T0 + 5, NODE);
    expect(await status(1)).toBe('a');
    expect(await bench.raw.zScore(bench.k.away, '1')).toBe(T0 + 5);
    expect(await bench.raw.zScore(bench.k.held, '1')).toBeNull();
  });

  it('disconnect/held-elsewhere: a ticket another node holds by now is left alone', async () => {
    await bench.stores.queue.reconnect(EVENT, 1, T0, OTHER_NODE);
    const before = await bench.state();
    expect(await bench.run('disconnect', [T0, NODE, 1])).toBe(0);
    expect(await bench.state()).toEqual(before);
  });

  it('helpers/let-go-requeued: a requeued ticket falls back to passed', async () => {
    await bench.requeue(1);
    expect(await bench.run('disconnect', [T0, NODE, 1])).toBe(1);
    expect(await status(1)).toBe('p');
    expect(await bench.meta('requeued')).toBe(0);
  });

  it('helpers/let-go-other: a held ticket in any other state only stops being held', async () => {
    await bench.raw.hSet(bench.k.status, '1', `g${T0 + 1000}`);
    expect(await bench.run('disconnect', [T0, NODE, 1])).toBe(0);
    expect(await status(1)).toBe(`g${T0 + 1000}`);
    expect(await bench.raw.zScore(bench.k.held, '1')).toBeNull();
  });
});

describe('leave.lua and counting leavers (helpers.lua)', () => {
  const leave = (ticket: number) => bench.run('leave', [ticket]);

  it('leave/unchanged: a used, finished, left, revoked or unknown ticket changes nothing (not even held)', async () => {
    await bench.stores.queue.joinBatch(EVENT, 2, T0, NODE, 0);
    await bench.raw.hSet(bench.k.status, '1', 'u');
    const before = await bench.state();
    expect(await leave(1)).toBe(0);
    expect(await leave(9)).toBe(0);
    expect(await bench.state()).toEqual(before);
  });

  it('leave/waiter-left and helpers/leaver-at-place: a waiter leaves and is counted at its place', async () => {
    await bench.stores.queue.joinBatch(EVENT, 2, T0, NODE, 0);
    expect(await leave(2)).toBe(1);
    expect(await status(2)).toBe('l');
    expect(await bench.leftCounted()).toBe(1);
  });

  it('helpers/leaver-deferred: before the draw a leaver waits in deferred', async () => {
    await bench.stores.queue.joinBatch(EVENT, 2, T0, NODE, OPENS);
    expect(await leave(2)).toBe(1);
    expect(await bench.raw.zScore(bench.k.deferred, '2')).toBe(2);
    expect(await bench.leftCounted()).toBe(0);
  });

  it('leave/passed-finished: a passed or requeued ticket is finished', async () => {
    await bench.stores.queue.joinBatch(EVENT, 2, T0, NODE, 0);
    await bench.raw.hSet(bench.k.status, '1', 'p');
    await bench.requeue(2);
    expect(await leave(1)).toBe(1);
    expect(await leave(2)).toBe(1);
    expect(await bench.raw.hmGet(bench.k.status, ['1', '2'])).toEqual(['x', 'x']);
    expect(await bench.meta('requeued')).toBe(0);
  });

  it('leave/granted-finished: a grant frees its active place', async () => {
    await bench.stores.queue.joinBatch(EVENT, 1, T0, NODE, 0);
    await bench.stores.queue.admit(EVENT, step);
    expect(await bench.meta('active')).toBe(1);
    expect(await leave(1)).toBe(1);
    expect(await status(1)).toBe('x');
    expect(await bench.meta('active')).toBe(0);
    expect(await bench.raw.zCard(bench.k.active)).toBe(0);
  });
});

describe('taking back a lost number (helpers.lua)', () => {
  it('helpers/reclaim-ahead: a lost number ahead of the cursor is no longer counted as a leaver', async () => {
    await bench.stores.queue.joinBatch(EVENT, 3, T0, NODE, 0);
    await loseTickets(bench.raw, bench.k, [2, 3]);
    expect(await reconnect(2)).toEqual({ kind: 'waiting' });
    expect(await bench.leftCounted()).toBe(RESTART_TICKET_GAP - 1);
  });

  it('helpers/reclaim-passed: behind the cursor there is nothing to un-count', async () => {
    await bench.stores.queue.joinBatch(EVENT, 3, T0, NODE, 0);
    await loseTickets(bench.raw, bench.k, [2, 3]);
    await bench.stores.queue.admit(EVENT, step);
    expect(await bench.leftCounted()).toBe(0);
    expect(await reconnect(2)).toEqual({ kind: 'requeued' });
    expect(await bench.leftCounted()).toBe(0);
    expect(await bench.raw.zCard(bench.k.reclaimed)).toBe(0);
  });

  it('helpers/reclaim-beyond-draw: a gap number past the drawn pre-queue is recorded for the cursor to stop at', async () => {
    await bench.stores.queue.joinBatch(EVENT, 3, OPENS, NODE, OPENS);
    await loseTickets(bench.raw, bench.k, [2, 3]);
    await bench.raw.hSet(bench.k.meta, 'drawSize', '1');
    expect(await reconnect(3)).toEqual({ kind: 'waiting' });
    expect(await bench.raw.zScore(bench.k.reclaimed, '3')).toBe(3);
  });
});
