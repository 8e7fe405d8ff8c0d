/**
 * Branches of the controller's step (admit.lua) and of release-lease.lua. On
 * the test's own redis-server; states only a restart leaves (lost numbers,
 * gaps, a new run id) are written into Redis directly. Titles start with the
 * branch tags of docs/redis-scripts.md.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { BUCKET_WIDTHS } from '../../shared/queue/left-segments.js';
import { placeOf, ticketAt } from '../../shared/queue/draw.js';
import { RESTART_TICKET_GAP } from '../../server/store/restart-gap.js';
import type { AdmitResult, AdmitStep } from '../../server/store/types.js';
import { admitStep } from '../support/admit-step.js';
import { loseTickets, restartRedisRun } from '../support/lost-tickets.js';
import { EVENT, NODE, T0, useScriptBench } from '../support/script-bench.js';

const SEED = 77;
const OPENS = T0 + 60_000;

const bench = useScriptBench(() => SEED);

const join = (count: number, opensAt = 0) => bench.stores.queue.joinBatch(EVENT, count, T0, NODE, opensAt);
const status = (ticket: number) => bench.raw.hGet(bench.k.status, String(ticket));

async function admit(overrides: Partial<AdmitStep> = {}): Promise<Extract<AdmitResult, { leader: true }>> {
  const result = await bench.stores.queue.admit(EVENT, admitStep(T0, { nodeTimeoutMs: 600_000, ...overrides }));
  if (!result.leader) throw new Error('expected the lease');
  return result;
}
const admitted = (result: Extract<AdmitResult, { leader: true }>) => result.admitted.map((a) => a.ticketNo);

describe('admit.lua: the lease and its arguments', () => {
  it('admit/bad-argument: a malformed opensAt fails before the lease or the restart check is written', async () => {
    await join(2);
    await restartRedisRun(bench.raw, bench.k);
    const before = await bench.state();
    const args = [T0, 'controller-a', 5000, 5000, 1, 10, 600, 30_000, 600_000, 100, 0, 1, 'soon', SEED];
    await expect(bench.run('admit', args)).rejects.toThrow(/BAD_SCRIPT_ARGUMENT admit.lua ARGV\[13\] opensAt/);
    expect(await bench.state()).toEqual(before);
  });

  it('admit/not-leader: another holder with an unexpired lease ends the step, nothing written', async () => {
    await join(2);
    await bench.raw.hSet(bench.k.lease, { holder: 'controller-b', until: String(T0 + 1) });
    const before = await bench.state();
    expect(await bench.stores.queue.admit(EVENT, admitStep(T0))).toEqual({ leader: false });
    expect(await bench.state()).toEqual(before);
  });
});

describe('admit.lua: dead nodes and away tickets', () => {
  it("admit/reap-dead-node: a silent node's waiting tickets turn away as of its last heartbeat", async () => {
    await join(2);
    await bench.raw.hSet(bench.k.nodes, String(NODE), String(T0 - 10_000));
    // Not admitting, so the cursor does not pass them at once.
    const result = await admit({ nodeTimeoutMs: 5000, admitting: false });
    expect(result.reaped).toBe(2);
    expect(await status(1)).toBe('a');
    expect(await bench.raw.zScore(bench.k.away, '2')).toBe(T0 - 10_000);
  });

  it('admit/reap-forget-node: a dead node is forgotten once it holds nothing, not before', async () => {
    await join(5001);
    await bench.raw.hSet(bench.k.nodes, String(NODE), String(T0 - 10_000));
    expect((await admit({ nodeTimeoutMs: 5000, maxActive: 0 })).reaped).toBe(5000);
    expect(await bench.raw.hExists(bench.k.nodes, String(NODE))).toBe(1);
    expect((await admit({ nodeTimeoutMs: 5000, maxActive: 0 })).reaped).toBe(1);
    expect(await bench.raw.hExists(bench.k.nodes, String(NODE))).toBe(0);
  });

  it('admit/away-past-grace: an away ticket past the grace period counts as left', async () => {
    await join(2);
    await bench.stores.queue.disconnect(EVENT, [2], T0, NODE);
    await admit({ now: T0 + 29_999, maxActive: 0 });
    expect(await status(2)).toBe('a');
    await admit({ now: T0 + 30_000, maxActive: 0 });
    expect(await status(2)).toBe('l');
    expect(await bench.leftCounted()).toBe(1);
  });
});

describe('admit.lua: budget and halts', () => {
  it('admit/grant: a waiting ticket at the cursor is granted until now + grantTtlMs', async () => {
    await join(1);
    const result = await admit();
    expect(admitted(result)).toEqual([1]);
    expect(await status(1)).toBe(`g${T0 + 600_000}`);
    expect(await bench.raw.zScore(bench.k.active, '1')).toBe(T0 + 600_000);
    expect(result.active).toBe(1);
  });

  it('admit/budget-spent and admit/backlogged: the cursor stops at the next waiter once maxActive is reached', async () => {
    await join(3);
    const first = await admit({ maxActive: 1 });
    expect(admitted(first)).toEqual([1]);
    expect(first.cursor).toBe(1);
    expect(first.backlogged).toBe(true);
    const rest = await admit({ maxActive: 3 });
    expect(admitted(rest)).toEqual([2, 3]);
    expect(rest.backlogged).toBe(false);
  });

  it('admit/backlogged: a requeued ticket left over keeps the step backlogged', async () => {
    await join(1);
    await bench.requeue(1);
    await bench.raw.hSet(bench.k.meta, 'cursor', '1');
    expect((await admit({ maxActive: 0 })).backlogged).toBe(true);
  });

  it('admit/halted: paused or not admitting, nobody is admitted and the cursor stands still', async () => {
    await join(2);
    await bench.stores.queue.setPaused(EVENT, true);
    expect(await admit()).toMatchObject({ admitted: [], cursor: 0 });
    await bench.stores.queue.setPaused(EVENT, false);
    expect(await admit({ admitting: false })).toMatchObject({ admitted: [], cursor: 0 });
    expect(admitted(await admit({ now: T0 + 1000 }))).toEqual([1, 2]);
  });

  it('admit/requeued-first: requeued tickets are admitted before the cursor moves, lowest place first', async () => {
    await join(4);
    await bench.requeue(2, 1);
    await bench.raw.hSet(bench.k.meta, 'cursor', '2');
    expect(admitted(await admit({ maxActive: 3 }))).toEqual([1, 2, 3]);
    expect(await bench.meta('requeued')).toBe(0);
  });
});

describe('admit.lua: the cursor walk', () => {
  it('admit/away-passed: an away ticket at the cursor is passed', async () => {
    await join(2);
    await bench.stores.queue.disconnect(EVENT, [1], T0, NODE);
    const result = await admit();
    expect(admitted(result)).toEqual([2]);
    expect(result.skipped).toBe(1);
    expect(await status(1)).toBe('p');
  });

  it('admit/left-finished: a leaver is finished, a revoked ticket stays revoked, both un-counted', async () => {
    await join(3);
    await bench.stores.queue.leave(EVENT, 1, T0);
    await bench.stores.queue.revoke(EVENT, 2, T0);
    expect(await bench.leftCounted()).toBe(2);
    const result = await admit();
    expect(admitted(result)).toEqual([3]);
    expect(result.skipped).toBe(2);
    expect([await status(1), await status(2)]).toEqual(['x', 'v']);
    expect(await bench.leftCounted()).toBe(0);
  });

  it('admit/no-status-outside-gaps: a number with no status in no gap is stepped over', async () => {
    await join(3);
    await bench.raw.hDel(bench.k.status, '2');
    const result = await admit();
    expect(admitted(result)).toEqual([1, 3]);
    expect(result.cursor).toBe(3);
  });

  it('admit/gap-crossed: a restart gap is crossed in one step and un-counted', async () => {
    await join(3);
    await loseTickets(bench.raw, bench.k, [2, 3]);
    const next = await join(1);
    const result = await admit({ maxSteps: 3 });
    expect(admitted(result)).toEqual([1, next]);
    expect(result.cursor).toBe(next);
    expect(await bench.raw.zCard(bench.k.gaps)).toBe(0);
    expect(await bench.leftCounted()).toBe(0);
  });

  it('admit/gap-stops-at-reclaimed: the cursor stops at a number in the gap whose holder came back', async () => {
    await join(3);
    await loseTickets(bench.raw, bench.k, [2, 3]);
    expect(await bench.stores.queue.reconnect(EVENT, 3, T0, NODE)).toEqual({ kind: 'waiting' });
    const first = await admit({ maxSteps: 3 });
    expect(admitted(first)).toEqual([1, 3]);
    expect(first.cursor).toBe(3);
    expect(await bench.raw.zCard(bench.k.gaps)).toBe(1);
    const rest = await admit({ maxSteps: 3 });
    expect(rest.cursor).toBe(1 + RESTART_TICKET_GAP);
    expect(await bench.raw.zCard(bench.k.gaps)).toBe(0);
    expect(await bench.raw.zCard(bench.k.reclaimed)).toBe(0);
    expect(await bench.leftCounted()).toBe(0);
  });

  it('admit/lost-prequeue-number: a drawn pre-queue number lost in a restart is un-counted at its place', async () => {
    await join(5, OPENS);
    const draw = { size: 5, seed: SEED };
    await bench.raw.hSet(bench.k.meta, { drawSize: '5', drawSeed: String(SEED) });
    // Ticket 4 was lost and is counted as a leaver at its drawn place (what the settled restart check leaves).
    await bench.raw.hDel(bench.k.status, '4');
    const place = placeOf(4, draw);
    for (const [level, width] of BUCKET_WIDTHS.entries()) await bench.raw.hIncrBy(bench.k.left[level]!, String(Math.floor(place / width)), 1);
    const result = await admit({ now: OPENS, opensAt: OPENS });
    const order = [1, 2, 3, 4, 5].map((p) => ticketAt(p, draw)).filter((n) => n !== 4);
    expect(admitted(result)).toEqual(order);
    expect(await bench.leftCounted()).toBe(0);
  });

  it('admit/settling: leavers deferred before the draw halt the cursor until all are counted', async () => {
    await join(3, OPENS);
    await loseTickets(bench.raw, bench.k, [3]);
    await join(1, OPENS);
    const result = await admit({ now: OPENS, opensAt: OPENS });
    expect(result).toMatchObject({ admitted: [], cursor: 0 });
    expect(await bench.raw.zCard(bench.k.deferred)).toBe(RESTART_TICKET_GAP - 10_000);
  });
});

describe('release-lease.lua', () => {
  it('release-lease/released: the holder gives the lease up', async () => {
    await admit();
    await bench.stores.queue.releaseLease(EVENT, 'controller-a');
    expect(await bench.raw.exists(bench.k.lease)).toBe(0);
  });

  it('release-lease/not-holder: anyone else leaves it alone', async () => {
    await admit();
    await bench.stores.queue.releaseLease(EVENT, 'controller-b');
    expect(await bench.raw.hGet(bench.k.lease, 'holder')).toBe('controller-a');
  });
});
