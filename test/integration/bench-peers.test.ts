/**
 * The peers bench end to end on a real nginx + Nchan (Debian's packages,
 * installed by .ci/run; the test fails when they are missing): load-generator
 * workers hold a few dozen WebSocket subscribers, stamped frames published by
 * HTTP POST reach every one and are counted, with their size and lag; then the
 * whole `nchan` row of the scenario at that size.
 *
 * Soketi is not here: its install (npm, ~300 MB, about a minute) does not fit
 * in a test's time, and a test must not depend on a cache; `npm run bench --
 * --scenario peers` installs and measures it.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoadPool } from '../../bench/lib/loadgen-pool.js';
import { nchanInstalled, NchanServer, NCHAN_MODULE, NGINX } from '../../bench/peers/nchan.js';
import { stampedText } from '../../bench/peers/stamp.js';
import { runPeers } from '../../bench/scenarios/peers.js';

const CLIENTS = 40;
const FRAME_BYTES = 210;

let nchan: NchanServer | null = null;
let pool: LoadPool | null = null;

beforeAll(() => {
  if (!nchanInstalled()) throw new Error(`${NGINX} and ${NCHAN_MODULE} are needed: apt-get install nginx libnginx-mod-nchan`);
});
afterEach(async () => {
  await pool?.stop();
  await nchan?.stop();
  pool = null;
  nchan = null;
});

describe('the peers bench on nginx + Nchan', () => {
  it('delivers every stamped frame to every subscriber, across two workers, and counts only those', async () => {
    nchan = await NchanServer.start(2);
    expect(nchan.workerPids).toHaveLength(2);
    pool = await LoadPool.start({ scenario: 'peer', transport: 'net', targets: [nchan.wsUrl], eventId: 'nchan', count: CLIENTS, connectConcurrency: 16 });
    await pool.until((c) => c.opened + c.failed >= CLIENTS, 15_000);
    expect(pool.counters().failed).toBe(0);
    // The client counts a connection open at the 101; give the server side a moment too.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await pool.snapshots(true);
    for (let k = 0; k < 3; k++) {
      await nchan.publish(stampedText(Date.now(), FRAME_BYTES));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await nchan.publish('no stamp here');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const snapshots = await pool.snapshots();
    const updates = snapshots.reduce((sum, s) => sum + s.updates, 0);
    const bytes = snapshots.reduce((sum, s) => sum + s.bytes, 0);
    expect(updates).toBe(3 * CLIENTS);
    expect(bytes).toBe(3 * CLIENTS * FRAME_BYTES + CLIENTS * 'no stamp here'.length);
    const lags = snapshots.flatMap((s) => s.lag.samples);
    expect(lags).toHaveLength(3 * CLIENTS);
    expect(Math.min(...lags)).toBeGreaterThan(0);
    expect(Math.max(...lags)).toBeLessThan(5000);
  });

  it("measures Nchan's row of the scenario: every connection held, a frame a second to each, memory and CPU per connection", async () => {
    const progress: string[] = [];
    const result = await runPeers({ peers: ['nchan'], clients: CLIENTS, processes: 2, windowSeconds: 4, memorySteps: [0.5, 1] }, (line) => progress.push(line));
    expect(result.errors).toBeUndefined();
    const [row] = result.rows;
    expect(row).toMatchObject({ peer: 'nchan', processes: 2, connections: { held: CLIENTS, failed: 0 } });
    // One publish a second for ~4 s: each subscriber got 3–5 of them, each of the frame size.
    const perClient = row!.frames.delivered / CLIENTS;
    expect(perClient).toBeGreaterThanOrEqual(3);
    expect(perClient).toBeLessThanOrEqual(5);
    expect(row!.frames.bytesPerFrame).toBe(result.frameBytes);
    expect(row!.frames.publishErrors).toBe(0);
    expect(row!.cpu.usPerFrame).toBeGreaterThanOrEqual(0);
    expect(row!.memory.baseline.rss).toBeGreaterThan(1 << 20);
    // Readings at half and all of the crowd, for the slopes.
    expect(row!.memory.readings.map((r) => r.connections)).toEqual([20, 40]);
    expect(Number.isFinite(row!.memory.pssBytesPerConn)).toBe(true);
    expect(row!.kernel.readings).toHaveLength(2);
    expect(row!.lagMs.p50).toBeGreaterThan(0);
  }, 40_000);
});
