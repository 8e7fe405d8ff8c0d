/**
 * The one contract both stores keep. Every case runs against memory and a
 * real Redis (unique key prefix per test).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdmitStep, AdmitStepResult, Stores } from '../../server/store/types.js';
import { placeOf, ticketAt } from '../../shared/queue/draw.js';
import { drawCommitment } from '../../shared/queue/draw-commitment.js';
import { segmentLayout } from '../../shared/queue/left-segments.js';
import { peopleAhead } from '../../shared/queue/position.js';
import { admitStep } from '../support/admit-step.js';
import { snapshotOf } from '../support/snapshot.js';
import { storeFactories } from '../support/stores.js';

const E = 'ev-1';
const T0 = Date.UTC(2026, 10, 24, 11, 0, 0);

/** Two gateway processes, as the store knows them. */
const NODE = 101;
const OTHER_NODE = 202;

function limits(overrides: Partial<AdmitStep> = {}): AdmitStep {
  return admitStep(T0, overrides);
}

/** One controller step that must find the lease free (or its own). */
async function admit(stores: Stores, step: AdmitStep): Promise<AdmitStepResult> {
  const result = await stores.queue.admit(E, step);
  if (!result.leader) throw new Error('expected to hold the lease');
  return result;
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
    expect(await stores.queue.joinBatch(E, 3, T0, NODE, 0)).toBe(1);
    expect(await stores.queue.joinBatch(E, 2, T0, NODE, 0)).toBe(4);
    expect(await stores.queue.joinBatch('ev-2', 1, T0, NODE, 0)).toBe(1);
    const figures = await stores.queue.figures(E, T0, NODE);
    expect(figures).toMatchObject({ cursor: 0, issued: 5, active: 0, paused: false, admittedTotal: 0 });
  });

  it('admits in ticket order within maxActive and reports the grant expiry', async () => {
    await stores.queue.joinBatch(E, 5, T0, NODE, 0);
    const first = await admit(stores, limits({ maxActive: 2 }));
    expect(first.admitted).toEqual([
      { ticketNo: 1, grantExpiresAt: T0 + 600_000 },
      { ticketNo: 2, grantExpiresAt: T0 + 600_000 },
    ]);
    expect(first).toMatchObject({ cursor: 2, active: 2, backlogged: true });
    const second = await admit(stores, limits({ maxActive: 2, now: T0 + 1000 }));
    expect(second.admitted).toEqual([]);
    expect(await stores.queue.admissionStatus(E, [1, 2, 3], T0 + 1000)).toEqual([
      { kind: 'admitted', grantExpiresAt: T0 + 600_000 },
      { kind: 'admitted', grantExpiresAt: T0 + 600_000 },
      { kind: 'pending' },
    ]);
  });

  it('admits no faster than admitsPerMinute', async () => {
    await stores.queue.joinBatch(E, 100, T0, NODE, 0);
    let admitted = 0;
    for (let s = 0; s <= 60; s++) admitted += (await admit(stores, limits({ admitsPerMinute: 30, now: T0 + s * 1000 }))).admitted.length;
    // One token at the start (the burst) plus 30 per minute.
    expect(admitted).toBeGreaterThanOrEqual(30);
    expect(admitted).toBeLessThanOrEqual(31);
  });

  it('frees an active place when a grant expires, and says so on reconnect', async () => {
    await stores.queue.joinBatch(E, 2, T0, NODE, 0);
    await admit(stores, limits({ maxActive: 1, grantTtlMs: 10_000 }));
    const later = T0 + 10_000;
    const next = await admit(stores, limits({ maxActive: 1, grantTtlMs: 10_000, now: later }));
    expect(next.admitted.map((a) => a.ticketNo)).toEqual([2]);
    expect(await stores.queue.reconnect(E, 1, later, NODE)).toEqual({ kind: 'grant_expired' });
    expect(await stores.queue.admissionStatus(E, [1], later)).toEqual([{ kind: 'finished' }]);
  });

  it('passes over tickets whose holders are away, and admits them first when they return', async () => {
    await stores.queue.joinBatch(E, 4, T0, NODE, 0);
    await stores.queue.disconnect(E, [1], T0, NODE);
    const step = await admit(stores, limits({ maxActive: 1 }));
    expect(step.admitted.map((a) => a.ticketNo)).toEqual([2]);
    expect(step.skipped).toBe(1);
    expect(await stores.queue.admissionStatus(E, [1], T0)).toEqual([{ kind: 'passed' }]);
    expect(await stores.queue.reconnect(E, 1, T0 + 5000, NODE)).toEqual({ kind: 'requeued' });
    expect((await stores.queue.figures(E, T0 + 5000, NODE)).requeued).toBe(1);
    expect(await stores.queue.admissionStatus(E, [1], T0 + 5000)).toEqual([{ kind: 'pending' }]);
    const next = await admit(stores, limits({ maxActive: 3, now: T0 + 5000 }));
    expect(next.admitted.map((a) => a.ticketNo)).toEqual([1, 3]);
    expect((await stores.queue.figures(E, T0 + 5000, NODE)).requeued).toBe(0);
  });

  it('counts people away past the grace period as left, and un-counts them when they return', async () => {
    await stores.queue.joinBatch(E, 10, T0, NODE, 0);
    await stores.queue.disconnect(E, [4, 7], T0, NODE);
    await admit(stores, limits({ maxActive: 0, now: T0 + 29_999 }));
    expect(leftTotal(await stores.queue.figures(E, T0 + 29_999, NODE))).toBe(0);
    await admit(stores, limits({ maxActive: 0, now: T0 + 30_000 }));
    const figures = await stores.queue.figures(E, T0 + 30_000, NODE);
    expect(leftTotal(figures)).toBe(2);
    expect(figures.left.map(({ level, firstBucket, counts }) => ({ level, firstBucket, count: counts.length }))).toEqual(
      segmentLayout(figures.cursor, figures.issued),
    );
    expect(await stores.queue.reconnect(E, 7, T0 + 31_000, NODE)).toEqual({ kind: 'waiting' });
    expect(leftTotal(await stores.queue.figures(E, T0 + 31_000, NODE))).toBe(1);
  });

  it('skips people who left without spending admissions on them', async () => {
    await stores.queue.joinBatch(E, 6, T0, NODE, 0);
    await stores.queue.leave(E, 1, T0);
    await stores.queue.leave(E, 2, T0);
    await stores.queue.disconnect(E, [3], T0, NODE);
    const step = await admit(stores, limits({ maxActive: 2 }));
    expect(step.admitted.map((a) => a.ticketNo)).toEqual([4, 5]);
    expect(step.skipped).toBe(3);
    const figures = await stores.queue.figures(E, T0, NODE);
    expect(figures.cursor).toBe(5);
    expect(leftTotal(figures)).toBe(0);
    expect(await stores.queue.reconnect(E, 1, T0, NODE)).toEqual({ kind: 'left' });
  });

  it('leaving after admission frees the active place', async () => {
    await stores.queue.joinBatch(E, 2, T0, NODE, 0);
    await admit(stores, limits({ maxActive: 1 }));
    await stores.queue.leave(E, 1, T0);
    expect((await stores.queue.figures(E, T0, NODE)).active).toBe(0);
    const next = await admit(stores, limits({ maxActive: 1, now: T0 + 1000 }));
    expect(next.admitted.map((a) => a.ticketNo)).toEqual([2]);
  });

  it('admits nobody while paused, and does not bank admissions during the pause', async () => {
    await stores.queue.joinBatch(E, 50, T0, NODE, 0);
    await stores.queue.leave(E, 1, T0);
    await stores.queue.disconnect(E, [2], T0, NODE);
    await stores.queue.setPaused(E, true);
    expect((await admit(stores, limits({ admitsPerMinute: 60 }))).admitted).toEqual([]);
    expect((await admit(stores, limits({ admitsPerMinute: 60, now: T0 + 30_000 }))).admitted).toEqual([]);
    // Nobody's turn passes during a pause, not even that of someone away or gone.
    expect(await stores.queue.figures(E, T0, NODE)).toMatchObject({ paused: true, cursor: 0 });
    expect(await stores.queue.reconnect(E, 2, T0 + 30_000, NODE)).toEqual({ kind: 'waiting' });
    await stores.queue.setPaused(E, false);
    const resumed = await admit(stores, limits({ admitsPerMinute: 60, now: T0 + 31_000 }));
    expect(resumed.admitted.length).toBeLessThanOrEqual(1);
  });

  it('stops after maxSteps and reports the published rate', async () => {
    await stores.queue.joinBatch(E, 20, T0, NODE, 0);
    const step = await admit(stores, limits({ maxSteps: 5, ratePerMinute: 42 }));
    expect(step.cursor).toBe(5);
    expect(step.backlogged).toBe(true);
    expect((await stores.queue.figures(E, T0, NODE)).ratePerMinute).toBe(42);
  });

  it('returns unknown for tickets it never issued', async () => {
    expect(await stores.queue.reconnect(E, 99, T0, NODE)).toEqual({ kind: 'unknown' });
  });

  it('holds the controller lease for one holder at a time, in the same step that admits', async () => {
    await stores.queue.joinBatch(E, 10, T0, NODE, 0);
    expect((await stores.queue.admit(E, limits({ holder: 'a', maxActive: 1 }))).leader).toBe(true);
    // b finds a's lease: it admits nothing, whatever its limits say.
    expect(await stores.queue.admit(E, limits({ holder: 'b', maxActive: 10, now: T0 + 1000 }))).toEqual({ leader: false });
    await stores.queue.releaseLease(E, 'b');
    expect((await stores.queue.admit(E, limits({ holder: 'b', now: T0 + 2000 }))).leader).toBe(false);
    await stores.queue.releaseLease(E, 'a');
    expect((await stores.queue.admit(E, limits({ holder: 'b', maxActive: 2, now: T0 + 2000 }))).leader).toBe(true);
    // b dies: its lease runs out after leaseMs and a takes over.
    expect((await stores.queue.admit(E, limits({ holder: 'a', now: T0 + 6999 }))).leader).toBe(false);
    expect(await stores.queue.admit(E, limits({ holder: 'a', maxActive: 3, now: T0 + 7000 }))).toMatchObject({ leader: true, cursor: 3, active: 3 });
  });

  it('a disconnect reported by a node that no longer holds the ticket changes nothing', async () => {
    await stores.queue.joinBatch(E, 3, T0, NODE, 0);
    // Ticket 2's holder came back on the other node before the first noticed the drop.
    expect(await stores.queue.reconnect(E, 2, T0, OTHER_NODE)).toEqual({ kind: 'waiting' });
    await stores.queue.disconnect(E, [1, 2], T0, NODE);
    const step = await admit(stores, limits({ maxActive: 1, now: T0 + 60_000 }));
    expect(step.admitted.map((a) => a.ticketNo)).toEqual([2]);
    expect(step.skipped).toBe(1);
  });

  it("turns a dead node's waiters away as of its last heartbeat, and they keep their place if they come back", async () => {
    await stores.queue.joinBatch(E, 4, T0, NODE, 0);
    await stores.queue.joinBatch(E, 2, T0, OTHER_NODE, 0);
    await stores.queue.figures(E, T0, NODE);
    // Ticket 3 already resumed on the living node.
    await stores.queue.reconnect(E, 3, T0 + 1000, OTHER_NODE);
    await stores.queue.figures(E, T0 + 6000, OTHER_NODE);
    const step = await admit(stores, limits({ admitting: false, now: T0 + 6000, graceMs: 10_000 }));
    expect(step.reaped).toBe(3);
    // Ticket 1 comes back before the grace period (counted from the node's last heartbeat) ends.
    expect(await stores.queue.reconnect(E, 1, T0 + 7000, OTHER_NODE)).toEqual({ kind: 'waiting' });
    await admit(stores, limits({ admitting: false, now: T0 + 10_000, graceMs: 10_000 }));
    const figures = await stores.queue.figures(E, T0 + 10_000, OTHER_NODE);
    expect(leftTotal(figures)).toBe(2);
    const next = await admit(stores, limits({ maxActive: 10, now: T0 + 11_000, graceMs: 10_000 }));
    expect(next.admitted.map((a) => a.ticketNo)).toEqual([1, 3, 5, 6]);
    expect(next.reaped).toBe(0);
  });

  it('leaves nodes alone while the controller cannot judge heartbeats (just after an outage)', async () => {
    await stores.queue.joinBatch(E, 2, T0, NODE, 0);
    await stores.queue.figures(E, T0, NODE);
    const step = await admit(stores, limits({ admitting: false, now: T0 + 60_000, reapDeadNodes: false }));
    expect(step.reaped).toBe(0);
    expect((await admit(stores, limits({ admitting: false, now: T0 + 61_000 }))).reaped).toBe(2);
  });

  it('does not admit before the opening or move the cursor, but keeps the lease and reaps', async () => {
    await stores.queue.joinBatch(E, 5, T0, NODE, 0);
    const step = await admit(stores, limits({ admitting: false }));
    expect(step).toMatchObject({ admitted: [], cursor: 0 });
  });

  describe('the pre-queue draw', () => {
    const OPENS = T0 + 60_000;
    const SEED = 0x2f1e_c0de;
    const before = (now: number, overrides: Partial<AdmitStep> = {}) =>
      limits({ now, opensAt: OPENS, admitting: now >= OPENS, nodeTimeoutMs: 600_000, ...overrides });

    beforeEach(async () => {
      await stores.close();
      stores = await factory.create(() => SEED);
    });

    it('places nobody before the opening, then draws once: pre-queue in drawn order, later arrivals behind in arrival order', async () => {
      expect(await stores.queue.joinBatch(E, 20, T0, NODE, OPENS)).toBe(1);
      await admit(stores, before(OPENS - 1));
      expect((await stores.queue.figures(E, OPENS - 1, NODE)).draw).toBeNull();
      // The first join at the opening draws, then queues behind the whole pre-queue.
      expect(await stores.queue.joinBatch(E, 5, OPENS, NODE, OPENS)).toBe(21);
      const draw = (await stores.queue.figures(E, OPENS, NODE)).draw;
      expect(draw).toEqual({ size: 20, seed: SEED });
      const step = await admit(stores, before(OPENS + 1000, { maxActive: 100 }));
      const drawn = Array.from({ length: 20 }, (_, k) => ticketAt(k + 1, draw));
      expect(step.admitted.map((a) => a.ticketNo)).toEqual([...drawn, 21, 22, 23, 24, 25]);
      expect(new Set(drawn).size).toBe(20);
      expect(drawn).not.toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
    });

    it('a controller step at the opening draws too, and a later seed never redraws', async () => {
      await stores.queue.joinBatch(E, 8, T0, NODE, OPENS);
      await admit(stores, before(OPENS, { maxActive: 0 }));
      expect((await stores.queue.figures(E, OPENS, NODE)).draw).toEqual({ size: 8, seed: SEED });
      await stores.close();
      stores = await factory.create(() => 1);
      // A fresh memory store has no state to keep; Redis keeps the draw it made.
      if (factory.name === 'redis') expect((await stores.queue.figures(E, OPENS, NODE)).draw).toBeNull();
    });

    it('commits to the seed at the first join before the opening, the same for every node, and reveals that seed at the opening', async () => {
      expect((await stores.queue.figures(E, T0, NODE)).drawCommitment).toBeNull();
      await stores.queue.joinBatch(E, 3, T0, NODE, OPENS);
      const published = (await stores.queue.figures(E, T0 + 1, NODE)).drawCommitment!;
      expect(published).toEqual({ hash: expect.stringMatching(/^[0-9a-f]{64}$/), at: T0, nonce: null });
      // Later joins (from any node) and controller steps keep the first commitment.
      await stores.queue.joinBatch(E, 2, T0 + 10, NODE + 1, OPENS);
      await admit(stores, before(OPENS - 1));
      expect((await stores.queue.figures(E, OPENS - 1, NODE + 1)).drawCommitment).toEqual(published);
      await admit(stores, before(OPENS));
      const after = await stores.queue.figures(E, OPENS, NODE);
      expect(after.draw).toEqual({ size: 5, seed: SEED });
      expect(after.drawCommitment).toEqual({ ...published, nonce: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(await drawCommitment(E, after.draw!.seed, after.drawCommitment!.nonce!)).toBe(published.hash);
    });

    it('counts pre-queue leavers at their drawn places, so people ahead are right after the opening', async () => {
      await stores.queue.joinBatch(E, 40, T0, NODE, OPENS);
      await stores.queue.leave(E, 3, T0);
      await stores.queue.leave(E, 7, T0);
      await stores.queue.leave(E, 8, T0);
      await stores.queue.reconnect(E, 8, T0, NODE);
      await stores.queue.disconnect(E, [11], T0, NODE);
      // Before the draw, leavers have no place to be counted at.
      await admit(stores, before(T0 + 40_000, { graceMs: 30_000 }));
      expect(leftTotal(await stores.queue.figures(E, T0 + 40_000, NODE))).toBe(0);
      await admit(stores, before(OPENS, { maxActive: 0, graceMs: 30_000 }));
      const figures = await stores.queue.figures(E, OPENS, NODE);
      expect(leftTotal(figures)).toBe(3);
      const gone = new Set([3, 7, 11]);
      for (let ticketNo = 1; ticketNo <= 40; ticketNo++) {
        const place = placeOf(ticketNo, figures.draw);
        let truth = 0;
        for (let other = 1; other <= 40; other++) if (!gone.has(other) && placeOf(other, figures.draw) < place) truth++;
        // Within one fine bucket the leavers are estimated in proportion (docs/decisions/001).
        expect(Math.abs(peopleAhead(snapshotOf(figures), ticketNo) - truth)).toBeLessThanOrEqual(1);
      }
      // A leaver who comes back before its turn takes its drawn place again.
      await stores.queue.reconnect(E, 7, OPENS, NODE);
      expect(leftTotal(await stores.queue.figures(E, OPENS, NODE))).toBe(2);
    });

    it('requeues returners whose turn passed by place, and passes over pre-queue members who are away', async () => {
      await stores.queue.joinBatch(E, 10, T0, NODE, OPENS);
      const draw = { size: 10, seed: SEED };
      const [first, second] = [ticketAt(1, draw), ticketAt(2, draw)];
      await stores.queue.disconnect(E, [second, first], OPENS - 1000, NODE);
      const step = await admit(stores, before(OPENS, { maxActive: 1 }));
      expect(step.admitted.map((a) => a.ticketNo)).toEqual([ticketAt(3, draw)]);
      expect(step.skipped).toBe(2);
      await stores.queue.reconnect(E, second, OPENS + 1, NODE);
      await stores.queue.reconnect(E, first, OPENS + 2, NODE);
      const next = await admit(stores, before(OPENS + 10_000, { maxActive: 3 }));
      expect(next.admitted.map((a) => a.ticketNo)).toEqual([first, second]);
    });
  });
});
