/**
 * Priority lanes (docs/decisions/031), the same on memory and a real Redis:
 * codes (single-use, multi-use, expiry), joins into a lane's own sequence,
 * each lane's share of the admissions, unused share flowing back, and the
 * main line never moving backwards however lane joins and admissions interleave.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LANE_SPAN, lineOf } from '../../shared/queue/lanes.js';
import { peopleAhead } from '../../shared/queue/position.js';
import type { AdmitStep, AdmitStepResult, LaneFigures, QueueFigures, Stores } from '../../server/store/types.js';
import { admitStep } from '../support/admit-step.js';
import { snapshotOf } from '../support/snapshot.js';
import { storeFactories } from '../support/stores.js';
import { laneSnapshotOf } from '../support/lane-snapshot.js';

const E = 'ev-lanes';
const T0 = Date.UTC(2026, 11, 4, 11, 0, 0);
const NODE = 101;
const LANES = ['accessible', 'desk'];
const DAY = 86_400_000;

/** One controller step with these lanes, holding the lease. */
async function admit(stores: Stores, overrides: Partial<AdmitStep>, eventId = E): Promise<AdmitStepResult> {
  const result = await stores.queue.admit(eventId, admitStep(T0, overrides));
  if (!result.leader) throw new Error('expected to hold the lease');
  return result;
}

function lane(figures: QueueFigures, id: string): LaneFigures {
  const found = figures.lanes.find((each) => each.id === id);
  if (!found) throw new Error(`no lane ${id} in the figures`);
  return found;
}

describe.each(storeFactories)('priority lanes: $name', (factory) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await factory.create();
  });
  afterEach(async () => {
    await stores.close();
  });

  /** Codes for `laneId`, each with `uses` uses, valid for a day. */
  async function issue(codes: string[], laneId = 'accessible', uses = 1, expiresAt = T0 + DAY, eventId = E): Promise<void> {
    expect(
      await stores.queue.issueCodes(
        eventId,
        codes.map((code) => ({ code, laneId, uses, expiresAt })),
        T0,
      ),
    ).toBe(true);
  }

  async function joinLane(code: string, now = T0, eventId = E) {
    return stores.queue.joinLane(eventId, code, LANES, now, NODE);
  }

  it('lane-join/joined lane-join/first-of-lane: a code puts a person in its lane, numbered in the lane range; the main line does not change', async () => {
    await stores.queue.joinBatch(E, 3, T0, NODE, 0);
    await issue(['AAAAAAAAAAA1', 'AAAAAAAAAAA2']);
    await issue(['DDDDDDDDDDD1'], 'desk');
    const before = await stores.queue.figures(E, T0, NODE);
    expect(await joinLane('AAAAAAAAAAA1')).toEqual({ kind: 'joined', ticketNo: LANE_SPAN + 1, laneId: 'accessible' });
    expect(await joinLane('DDDDDDDDDDD1')).toEqual({ kind: 'joined', ticketNo: 2 * LANE_SPAN + 1, laneId: 'desk' });
    expect(await joinLane('AAAAAAAAAAA2')).toEqual({ kind: 'joined', ticketNo: LANE_SPAN + 2, laneId: 'accessible' });
    const after = await stores.queue.figures(E, T0, NODE);
    expect({ ...after, lanes: [] }).toEqual(before);
    expect(after.lanes).toEqual([
      { id: 'accessible', line: 1, cursor: LANE_SPAN, issued: LANE_SPAN + 2, requeued: 0, admittedTotal: 0, left: expect.any(Array) },
      { id: 'desk', line: 2, cursor: 2 * LANE_SPAN, issued: 2 * LANE_SPAN + 1, requeued: 0, admittedTotal: 0, left: expect.any(Array) },
    ]);
    expect(peopleAhead(laneSnapshotOf(after, lane(after, 'accessible')), LANE_SPAN + 2)).toBe(1);
    expect(await stores.queue.admissionStatus(E, [LANE_SPAN + 1], T0)).toEqual([{ kind: 'pending' }]);
  });

  it('lane-join/used-up: a single-use code takes one join, a multi-use code as many as it has uses; the list counts them', async () => {
    await issue(['SINGLE000001']);
    await issue(['MULTI0000001'], 'desk', 3);
    expect((await joinLane('SINGLE000001')).kind).toBe('joined');
    expect(await joinLane('SINGLE000001')).toEqual({ kind: 'used_up' });
    for (let n = 0; n < 3; n++) expect((await joinLane('MULTI0000001')).kind).toBe('joined');
    expect(await joinLane('MULTI0000001')).toEqual({ kind: 'used_up' });
    const codes = await stores.queue.listCodes(E);
    expect(codes).toHaveLength(2);
    expect(codes.find((code) => code.code === 'SINGLE000001')).toEqual({
      code: 'SINGLE000001',
      laneId: 'accessible',
      uses: 1,
      used: 1,
      expiresAt: T0 + DAY,
      issuedAt: T0,
    });
    expect(codes.find((code) => code.code === 'MULTI0000001')).toMatchObject({ laneId: 'desk', uses: 3, used: 3 });
    expect(lane(await stores.queue.figures(E, T0, NODE), 'desk').issued).toBe(2 * LANE_SPAN + 3);
  });

  it('lane-join/expired lane-join/unknown lane-join/lane-not-configured: a wrong, expired or unconfigured code joins nobody and uses nothing', async () => {
    await issue(['EXPIRE000001'], 'accessible', 5, T0 + 1000);
    await issue(['GONE00000001'], 'removed-lane');
    expect(await joinLane('EXPIRE000001', T0 + 1000)).toEqual({ kind: 'expired' });
    expect(await joinLane('NOSUCHCODE01')).toEqual({ kind: 'unknown' });
    expect(await joinLane('GONE00000001')).toEqual({ kind: 'unknown' });
    expect((await stores.queue.listCodes(E)).map((code) => code.used)).toEqual([0, 0]);
    expect((await stores.queue.figures(E, T0, NODE)).lanes).toEqual([]);
    expect((await joinLane('EXPIRE000001', T0 + 999)).kind).toBe('joined');
  });

  it('refuses to issue a code that exists already, writing none of the batch', async () => {
    await issue(['SAME00000001']);
    expect(
      await stores.queue.issueCodes(
        E,
        [
          { code: 'NEW000000001', laneId: 'desk', uses: 1, expiresAt: T0 + DAY },
          { code: 'SAME00000001', laneId: 'desk', uses: 1, expiresAt: T0 + DAY },
        ],
        T0,
      ),
    ).toBe(false);
    expect((await stores.queue.listCodes(E)).map((code) => code.code)).toEqual(['SAME00000001']);
  });

  it('admit/lane-owed: while people wait in a lane it gets its share of the admissions, in its own order', async () => {
    await stores.queue.joinBatch(E, 100, T0, NODE, 0);
    await issue(['MANY00000001'], 'accessible', 100);
    for (let n = 0; n < 50; n++) await joinLane('MANY00000001');
    const step = await admit(stores, { maxActive: 40, lanes: [{ id: 'accessible', share: 0.25 }] });
    const fromLane = step.admitted.filter(({ ticketNo }) => lineOf(ticketNo) === 1).map(({ ticketNo }) => ticketNo - LANE_SPAN);
    const fromMain = step.admitted.filter(({ ticketNo }) => lineOf(ticketNo) === 0).map(({ ticketNo }) => ticketNo);
    // The credit starts at 0, so the lane's first admission is the fifth: 9 of 40, then one in four.
    expect(fromLane).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(fromMain).toEqual(Array.from({ length: 31 }, (_, k) => k + 1));
    const figures = await stores.queue.figures(E, T0, NODE);
    expect(figures.cursor).toBe(31);
    expect(lane(figures, 'accessible')).toMatchObject({ cursor: LANE_SPAN + 9, admittedTotal: 9 });
    // Over a long run the lane's part approaches its share.
    let laneAdmitted = 9;
    for (let s = 1; s <= 4; s++) {
      const next = await admit(stores, { maxActive: 40 + 40 * s, lanes: [{ id: 'accessible', share: 0.25 }] });
      laneAdmitted += next.admitted.filter(({ ticketNo }) => lineOf(ticketNo) === 1).length;
    }
    expect(laneAdmitted).toBeGreaterThanOrEqual(49);
    expect(laneAdmitted).toBeLessThanOrEqual(50);
  });

  it('admit/lane-empty admit/lane-takes-unused admit/lines-empty: unused share flows back to the main line, and an empty main line leaves the rest to the lanes', async () => {
    await stores.queue.joinBatch(E, 30, T0, NODE, 0);
    await issue(['FEW000000001'], 'accessible', 10);
    await joinLane('FEW000000001');
    await joinLane('FEW000000001');
    const shares = [{ id: 'accessible', share: 0.5 }];
    const step = await admit(stores, { maxActive: 20, lanes: shares });
    expect(step.admitted.filter(({ ticketNo }) => lineOf(ticketNo) === 1)).toHaveLength(2);
    expect(step.admitted.filter(({ ticketNo }) => lineOf(ticketNo) === 0)).toHaveLength(18);
    // The lane stayed empty for a while: it banked nothing, so its next joiner waits for one credit as the first did.
    await admit(stores, { maxActive: 26, now: T0 + 1000, lanes: shares });
    await joinLane('FEW000000001', T0 + 1000);
    const next = await admit(stores, { maxActive: 28, now: T0 + 2000, lanes: shares });
    expect(next.admitted.map(({ ticketNo }) => lineOf(ticketNo))).toEqual([0, 0]);
    // The main line has 4 left; beyond them the lane takes what the main line cannot use.
    await joinLane('FEW000000001', T0 + 2000);
    const rest = await admit(stores, { maxActive: 100, now: T0 + 3000, lanes: shares });
    expect(rest.admitted.map(({ ticketNo }) => lineOf(ticketNo)).sort()).toEqual([0, 0, 0, 0, 1, 1]);
    expect(rest.backlogged).toBe(false);
  });

  it('a lane that emptied keeps no credit: when it fills again it waits 1/share admissions like the first time', async () => {
    await stores.queue.joinBatch(E, 40, T0, NODE, 0);
    await issue(['REFILL000001'], 'accessible', 5);
    await joinLane('REFILL000001');
    const shares = [{ id: 'accessible', share: 0.3 }];
    // 0.3, 0.6, 0.9, 1.2 after four main-line admissions: the fifth is the lane's, leaving 0.2 as it empties.
    const first = await admit(stores, { maxActive: 5, lanes: shares });
    expect(first.admitted.map(({ ticketNo }) => lineOf(ticketNo))).toEqual([0, 0, 0, 0, 1]);
    await joinLane('REFILL000001');
    // Without the 0.2 carried over, the lane's turn is again the fifth, not the fourth.
    const again = await admit(stores, { maxActive: 10, now: T0 + 1000, lanes: shares });
    expect(again.admitted.map(({ ticketNo }) => lineOf(ticketNo))).toEqual([0, 0, 0, 0, 1]);
  });

  it('a lane returner whose turn passed goes first in its lane, never in the main line', async () => {
    await stores.queue.joinBatch(E, 5, T0, NODE, 0);
    await issue(['BACK00000001'], 'accessible', 3);
    const first = await joinLane('BACK00000001');
    await joinLane('BACK00000001');
    if (first.kind !== 'joined') throw new Error('joined expected');
    await stores.queue.disconnect(E, [first.ticketNo], T0, NODE);
    const shares = [{ id: 'accessible', share: 0.5 }];
    // Main line empty of budget: the lane's cursor passes the away ticket and admits the next.
    await stores.queue.joinBatch('other', 1, T0, NODE, 0);
    const step = await admit(stores, { maxActive: 0, lanes: shares });
    expect(step.admitted).toEqual([]);
    await stores.queue.leave(E, 1, T0);
    const passing = await admit(stores, { maxActive: 3, now: T0 + 1000, lanes: shares });
    expect(passing.admitted.map(({ ticketNo }) => ticketNo)).toEqual([2, 3, LANE_SPAN + 2]);
    expect(await stores.queue.reconnect(E, first.ticketNo, T0 + 1000, NODE)).toEqual({ kind: 'requeued' });
    const figures = await stores.queue.figures(E, T0 + 1000, NODE);
    expect(figures.requeued).toBe(0);
    expect(lane(figures, 'accessible').requeued).toBe(1);
    // The lane emptied at the last step, so it is owed nothing yet: the main line first, then the returner.
    const back = await admit(stores, { maxActive: 6, now: T0 + 2000, lanes: shares });
    expect(back.admitted.map(({ ticketNo }) => ticketNo)).toEqual([4, 5, first.ticketNo]);
  });

  it('counts lane leavers in the lane only: people behind them in the lane move up, the main line does not move', async () => {
    await stores.queue.joinBatch(E, 4, T0, NODE, 0);
    await issue(['LEAVE0000001'], 'accessible', 3);
    for (let n = 0; n < 3; n++) await joinLane('LEAVE0000001');
    const before = await stores.queue.figures(E, T0, NODE);
    await stores.queue.leave(E, LANE_SPAN + 1, T0);
    const after = await stores.queue.figures(E, T0, NODE);
    expect(peopleAhead(laneSnapshotOf(before, lane(before, 'accessible')), LANE_SPAN + 3)).toBe(2);
    expect(peopleAhead(laneSnapshotOf(after, lane(after, 'accessible')), LANE_SPAN + 3)).toBe(1);
    expect(peopleAhead(snapshotOf(after), 4)).toBe(3);
    expect(after.left).toEqual(before.left);
  });

  it('never moves anyone in the main line backwards, however lane joins, lane leaves and admissions interleave (property)', async () => {
    type Op = { kind: 'main'; count: number } | { kind: 'lane'; lane: 0 | 1 } | { kind: 'admit'; count: number } | { kind: 'leaveLane'; pick: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('main' as const), count: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('lane' as const), lane: fc.constantFrom(0 as const, 1 as const) }),
      fc.record({ kind: fc.constant('admit' as const), count: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant('leaveLane' as const), pick: fc.nat() }),
    );
    const shares = fc.tuple(fc.double({ min: 0.05, max: 0.45, noNaN: true }), fc.double({ min: 0.05, max: 0.45, noNaN: true }));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), shares, async (ops, [a, b]) => {
        const eventId = `prop-${run++}`;
        const lanes = [
          { id: 'accessible', share: a },
          { id: 'desk', share: b },
        ];
        await issue(['PROPERTYA001'], 'accessible', 1000, T0 + DAY, eventId);
        await issue(['PROPERTYD001'], 'desk', 1000, T0 + DAY, eventId);
        const mainTickets: number[] = [];
        const laneTickets: number[] = [];
        const shown = new Map<number, number>();
        let admittedSoFar = 0;
        let now = T0;
        for (const step of ops) {
          now += 1000;
          if (step.kind === 'main') {
            const first = await stores.queue.joinBatch(eventId, step.count, now, NODE, 0);
            for (let n = first; n < first + step.count; n++) mainTickets.push(n);
          } else if (step.kind === 'lane') {
            const joined = await stores.queue.joinLane(eventId, step.lane === 0 ? 'PROPERTYA001' : 'PROPERTYD001', LANES, now, NODE);
            if (joined.kind !== 'joined') throw new Error(`lane join refused: ${joined.kind}`);
            laneTickets.push(joined.ticketNo);
          } else if (step.kind === 'leaveLane') {
            if (laneTickets.length > 0) await stores.queue.leave(eventId, laneTickets[step.pick % laneTickets.length]!, now);
          } else {
            const result = await admit(stores, { now, maxActive: admittedSoFar + step.count, lanes }, eventId);
            admittedSoFar += result.admitted.length;
          }
          const figures = await stores.queue.figures(eventId, now, NODE);
          const snapshot = snapshotOf(figures);
          for (const ticketNo of mainTickets) {
            const ahead = peopleAhead(snapshot, ticketNo);
            const earlier = shown.get(ticketNo);
            if (earlier !== undefined && ahead > earlier)
              throw new Error(`ticket ${ticketNo} moved back from ${earlier} to ${ahead} after ${JSON.stringify(step)}`);
            shown.set(ticketNo, ahead);
          }
        }
        // The main line's admissions are in ticket order, whatever the lanes took.
        const statuses = await stores.queue.admissionStatus(eventId, mainTickets, now);
        const admittedMain = statuses.filter((status) => status.kind === 'admitted').length;
        statuses.forEach((status, k) => expect(status.kind === 'admitted').toBe(k < admittedMain));
      }),
      { numRuns: factory.name === 'memory' ? 200 : 40 },
    );
  });
});
