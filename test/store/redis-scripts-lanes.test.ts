/**
 * The priority-lane branches of the Lua scripts that only Redis has (docs/decisions/031):
 * bad arguments, and a restart that lost a lane's last joins. The rest is the
 * shared contract, test/store/store-contract-lanes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LANE_SPAN } from '../../shared/queue/lanes.js';
import { peopleAhead } from '../../shared/queue/position.js';
import { LANE_RESTART_GAP } from '../../server/store/restart-gap.js';
import { admitStep } from '../support/admit-step.js';
import { laneSnapshotOf } from '../support/lane-snapshot.js';
import { restartRedisRun } from '../support/lost-tickets.js';
import { EVENT, NODE, T0, useScriptBench } from '../support/script-bench.js';

const bench = useScriptBench(() => 5);
const CODE = 'RESTART00001';

describe('lane-join.lua', () => {
  it('lane-join/bad-argument: a missing node number fails before anything is written', async () => {
    await bench.stores.queue.issueCodes(EVENT, [{ code: CODE, laneId: 'desk', uses: 9, expiresAt: T0 + 60_000 }], T0);
    const before = await bench.state();
    await expect(bench.run('lane-join', [CODE, T0])).rejects.toThrow(/BAD_SCRIPT_ARGUMENT lane-join.lua ARGV\[3\]/);
    expect(await bench.state()).toEqual(before);
  });

  it('helpers/recover-lane-gap admit/lane-gap-number: after a restart a lane skips numbers, counted as leavers its cursor walks through', async () => {
    await bench.stores.queue.issueCodes(EVENT, [{ code: CODE, laneId: 'desk', uses: 9, expiresAt: T0 + 60_000 }], T0);
    const lanes = ['desk'];
    await bench.stores.queue.joinLane(EVENT, CODE, lanes, T0, NODE);
    // Redis lost the lane's second join: its issued count went back, its status is gone.
    await bench.stores.queue.joinLane(EVENT, CODE, lanes, T0, NODE);
    await bench.raw.hSet(bench.k.meta, 'L1i', String(LANE_SPAN + 1));
    await bench.raw.hDel(bench.k.status, String(LANE_SPAN + 2));
    await restartRedisRun(bench.raw, bench.k);
    const next = await bench.stores.queue.joinLane(EVENT, CODE, lanes, T0, NODE);
    expect(next).toEqual({ kind: 'joined', ticketNo: LANE_SPAN + 1 + LANE_RESTART_GAP + 1, laneId: 'desk' });
    const figures = await bench.stores.queue.figures(EVENT, T0, NODE);
    const lane = figures.lanes[0]!;
    expect(peopleAhead(laneSnapshotOf(figures, lane), LANE_SPAN + 2 + LANE_RESTART_GAP)).toBe(1);
    // The lane's cursor steps over the gap one number at a time, at most maxSteps a call.
    const lanesStep = { maxActive: 2, maxSteps: 6000, lanes: [{ id: 'desk', share: 0.5 }] };
    const step = await bench.stores.queue.admit(EVENT, admitStep(T0, lanesStep));
    expect(step.leader && step.admitted.map(({ ticketNo }) => ticketNo)).toEqual([LANE_SPAN + 1]);
    const next2 = await bench.stores.queue.admit(EVENT, admitStep(T0 + 1000, lanesStep));
    expect(next2.leader && next2.admitted.map(({ ticketNo }) => ticketNo)).toEqual([LANE_SPAN + 2 + LANE_RESTART_GAP]);
    const after = (await bench.stores.queue.figures(EVENT, T0, NODE)).lanes[0]!;
    expect(after.left.flatMap((span) => span.counts).every((count) => count === 0)).toBe(true);
  });
});
