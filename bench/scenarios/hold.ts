/**
 * `hold` (with `fanout` and `redis` measured in the same steady state): ramp
 * to `clients` waiting connections across the gateways, admission paused so
 * everyone stays waiting, then measure over a window: update lag (server tick
 * time → client receipt), updates per client per second, the longest gap any
 * client saw, gateway RSS per connection after GC, the time each gateway takes
 * to publish one tick to all its waiters, and Redis commands per waiting
 * client per minute (INFO commandstats deltas, commands run by scripts included).
 */
import { createClient } from 'redis';
import { encode } from '../../shared/protocol/codec.js';
import type { TickMessage } from '../../shared/protocol/messages.js';
import { leftSegments } from '../../server/gateway/event-ticker.js';
import type { Counters, SnapshotMessage } from '../loadgen/messages.js';
import { cpuSecondsOf, memoryAfterGc, publishBuckets, publishCount, publishQuantileMs, rssAfterGc, type Deployment } from '../lib/deployment.js';
import { LoadPool } from '../lib/loadgen-pool.js';
import { median, quantile, round, slope } from '../lib/stats.js';

export const HOLD_EVENT = { id: 'hold', maxActive: 1, admitsPerMinute: 1 };
/** The deployment's tick (bench/run.ts starts every gateway with it). */
export const TICK_MS = 1000;

export interface HoldResult {
  hold: {
    connected: number;
    rampSeconds: number;
    rssBytesPerConn: number;
    rssBytesPerConnByNode: number[];
    /** RSS after GC of each gateway at each quarter of the crowd (connections per gateway, bytes). */
    rssReadings: { perNode: number; rss: number[]; heapUsed: number[]; external: number[] }[];
    /** Memory V8 tracks outside its heap (Buffers and other external allocations), per connection (same slope). */
    externalBytesPerConn: number;
    /** The V8 heap's share of the per-connection memory (same slope, heapUsed after GC). */
    heapBytesPerConn: number;
    updateLagMs: { p50: number; p99: number; max: number };
    updatesPerClientPerSec: number;
    /** Update lag per 5-second slice of the window: [seconds into the window, p50, p99]. */
    lagOverTime: [number, number, number][];
    /** Client × 5-s slices in which the client went more than 2 s without an update (0: every client got one at least every 2 s). */
    gapsOver2s: number;
    clientsWithoutUpdates: number;
    windowSeconds: number;
    failed: number;
  };
  fanout: {
    /**
     * CPU per tick of a gateway (process CPU over the window / ticks, median over gateways): everything it
     * does to update its waiters, the kernel's socket writes included. The floor is measured the same way.
     */
    tickMs: { p50: number };
    tickMsByNode: number[];
    /** Ticks each gateway published in the window (one a second when it keeps up). */
    ticksByNode: number[];
    /** publish → next setImmediate, from waitroom_publish_duration_seconds over the window (informational: uWS may write later). */
    publishToImmediateMs: { p50: number; p99: number };
    frameBytes: number;
    connectionsPerNode: number;
  };
  redis: { commandsPerClientPerMinute: number; commands: number; windowSeconds: number };
  /** The load generators' own CPU over the window: are they the bottleneck? */
  loadgen: { workers: number; cpuSecondsPerSecond: number; rssBytesPerClient: number };
}

async function commandTotal(url: string): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  try {
    const info = await client.info('commandstats');
    let total = 0;
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (match[1] !== 'info') total += Number(match[2]);
    return total;
  } finally {
    await client.quit();
  }
}

/** The size of the tick frame the gateways broadcast now (to give the floor the same frame). */
async function tickFrameBytes(deployment: Deployment, eventId: string): Promise<number> {
  const figures = await deployment.stores.queue.figures(eventId, Date.now(), 1);
  const frame: TickMessage = {
    type: 'tick',
    e: eventId,
    st: 'paused',
    c: figures.cursor,
    i: figures.issued,
    q: figures.requeued,
    r: figures.ratePerMinute,
    t: Date.now(),
    l: leftSegments(figures.left),
  };
  return encode(frame).byteLength;
}

const cpuMicros = (snapshots: SnapshotMessage[]) => snapshots.reduce((sum, s) => sum + s.cpu.user + s.cpu.system, 0);

const SLICE_SECONDS = 5;

/**
 * The window's figures from its slices (each a snapshot per worker, reset after each).
 * A gap that spans a slice boundary is split by the reset; each slice is 5 s, so a
 * client with no update for over 2 s still shows in the slice where it happened.
 */
function combine(slices: SnapshotMessage[][]) {
  const all = slices.flat();
  const last = slices[slices.length - 1]!;
  const gaps = all.flatMap((s) => s.maxGapMs);
  return {
    waiting: last.reduce((sum, s) => sum + s.waiting, 0),
    withoutUpdates: slices.reduce(
      (worst, slice) =>
        Math.max(
          worst,
          slice.reduce((sum, s) => sum + s.waitingWithoutUpdates, 0),
        ),
      0,
    ),
    updates: all.reduce((sum, s) => sum + s.updates, 0),
    lagSamples: all.flatMap((s) => s.lag.samples),
    lagMax: Math.max(...all.map((s) => s.lag.max)),
    gapsOver2s: gaps.filter((gap) => gap > 2000).length,
    rss: last.reduce((sum, s) => sum + s.memory.rss, 0),
  };
}

/** RSS after GC of every gateway. */
function gatewayRss(deployment: Deployment): Promise<number[]> {
  return Promise.all(deployment.gateways.map((gateway) => rssAfterGc(gateway)));
}

/**
 * RSS after GC of every gateway once it has stopped falling: a fresh process
 * returns its start-up memory (the TypeScript loader's among it) to the system
 * over tens of seconds, which would otherwise hide the connections' memory.
 */
async function settledGatewayRss(deployment: Deployment, progress: (line: string) => void): Promise<number[]> {
  // Seen here: 156 MB at start, falling in steps with plateaus of ~10 s, flat at 109 MB from ~25 s.
  const readings: number[][] = [];
  for (let round = 0; round < 24; round++) {
    readings.push(await gatewayRss(deployment));
    const lastFour = readings.slice(-4);
    const flat =
      lastFour.length === 4 && lastFour[0]!.every((_, k) => Math.max(...lastFour.map((r) => r[k]!)) - Math.min(...lastFour.map((r) => r[k]!)) < 1024 * 1024);
    if (round >= 12 && flat) return readings[readings.length - 1]!;
    await new Promise((resolve) => setTimeout(resolve, 2500));
  }
  progress('hold: gateway memory still moving after 60 s; using the last reading as the baseline');
  return readings[readings.length - 1]!;
}

/** The crowd in quarters: RSS after GC at each, for the slope. */
export const RSS_LEVELS = [0.25, 0.5, 0.75, 1];

/**
 * Memory per connection is the least-squares slope of RSS after GC over the
 * connections held, at a quarter, half, three quarters and all of the crowd,
 * from a settled baseline: one difference between two readings proved too
 * noisy (V8 and the allocator move a few MB either way).
 */
export async function runHold(deployment: Deployment, clients: number, windowSeconds: number, progress: (line: string) => void): Promise<HoldResult> {
  await deployment.stores.queue.setPaused(HOLD_EVENT.id, true);
  progress("hold: waiting for the gateways' start-up memory to settle");
  await settledGatewayRss(deployment, progress);
  progress(`hold: ramping to ${clients} waiting clients over ${deployment.gateways.length} gateways`);
  const targets = deployment.gateways.map((gateway) => gateway.wsUrl);
  const levels = RSS_LEVELS.map((fraction) => Math.round(clients * fraction));
  // 20,000 lag samples per worker are plenty for a p99 and keep each snapshot small (100k per worker took seconds at 100k clients).
  const load = { scenario: 'hold', transport: 'net', targets, eventId: HOLD_EVENT.id, connectConcurrency: 256, lagReservoir: 20_000 } as const;
  const report = (c: Counters) => progress(`hold: ${c.joined} joined, ${c.connected} connected, ${c.failed} failed`);
  const started = Date.now();
  const pool = await LoadPool.start({ ...load, count: levels[0]! });
  const readings: { perNode: number; rss: number[]; heapUsed: number[]; external: number[] }[] = [];
  try {
    for (let k = 0; k < levels.length; k++) {
      if (k > 0) await pool.add({ ...load, count: levels[k]! - levels[k - 1]! });
      await pool.until((c) => c.joined + c.failed >= levels[k]!, 600_000, report);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const memory = await Promise.all(deployment.gateways.map((gateway) => memoryAfterGc(gateway)));
      readings.push({
        perNode: pool.counters().joined / deployment.gateways.length,
        rss: memory.map((m) => m.rss),
        heapUsed: memory.map((m) => m.heapUsed),
        external: memory.map((m) => m.external),
      });
    }
    const ramp = await pool.snapshots();
    const lastTicket = Math.max(...ramp.map((s) => s.lastTicketAt ?? 0));
    const rampSeconds = (lastTicket - started) / 1000;
    progress(`hold: ${pool.counters().joined} waiting after ${rampSeconds.toFixed(1)} s; settling, then measuring for ${windowSeconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const windowOpened = await pool.snapshots(true);
    const commandsBefore = await commandTotal(deployment.redis.url);
    const cpuBefore = await Promise.all(deployment.gateways.map((gateway) => cpuSecondsOf(gateway.pid)));
    const publishesBefore = await Promise.all(deployment.gateways.map((gateway) => publishBuckets(gateway, HOLD_EVENT.id)));
    const windowStart = Date.now();
    const slices: SnapshotMessage[][] = [];
    const lagOverTime: [number, number, number][] = [];
    for (let slice = 0; slice < Math.ceil(windowSeconds / SLICE_SECONDS); slice++) {
      await new Promise((resolve) => setTimeout(resolve, SLICE_SECONDS * 1000));
      const snapshots = await pool.snapshots(true);
      slices.push(snapshots);
      const lags = snapshots.flatMap((s) => s.lag.samples);
      lagOverTime.push([round((Date.now() - windowStart) / 1000, 1), round(quantile(lags, 0.5), 1), round(quantile(lags, 0.99), 1)]);
    }
    const commands = (await commandTotal(deployment.redis.url)) - commandsBefore;
    const windowClosed = slices[slices.length - 1]!;
    const window = combine(slices);
    const loadgenCpuSeconds = (cpuMicros(windowClosed) - cpuMicros(windowOpened)) / 1e6;
    const measuredSeconds = (Date.now() - windowStart) / 1000;

    const cpuAfter = await Promise.all(deployment.gateways.map((gateway) => cpuSecondsOf(gateway.pid)));
    // Per tick actually published: a gateway short of CPU publishes fewer than one a second.
    const publishesAfter = await Promise.all(deployment.gateways.map((gateway) => publishBuckets(gateway, HOLD_EVENT.id)));
    const ticks = publishesAfter.map((after, k) => publishCount(publishesBefore[k]!, after));
    const tickMsByNode = cpuAfter.map((after, k) => ((after - cpuBefore[k]!) * 1000) / ticks[k]!);
    // Over the measured window only (the Summary this replaced covered its last two minutes).
    const publishP50 = publishesAfter.map((after, k) => publishQuantileMs(publishesBefore[k]!, after, 0.5));
    const publishP99 = publishesAfter.map((after, k) => publishQuantileMs(publishesBefore[k]!, after, 0.99));
    const perNode = Math.round(window.waiting / deployment.gateways.length);
    const rssBytesPerConnByNode = deployment.gateways.map((_, node) => Math.round(slope(readings.map((r) => [r.perNode, r.rss[node]!]))));
    return {
      hold: {
        connected: window.waiting,
        rampSeconds: round(rampSeconds, 1),
        rssBytesPerConn: median(rssBytesPerConnByNode),
        rssBytesPerConnByNode,
        rssReadings: readings,
        externalBytesPerConn: median(deployment.gateways.map((_, node) => Math.round(slope(readings.map((r) => [r.perNode, r.external[node]!]))))),
        heapBytesPerConn: median(deployment.gateways.map((_, node) => Math.round(slope(readings.map((r) => [r.perNode, r.heapUsed[node]!]))))),
        updateLagMs: { p50: round(quantile(window.lagSamples, 0.5), 1), p99: round(quantile(window.lagSamples, 0.99), 1), max: round(window.lagMax, 1) },
        updatesPerClientPerSec: round(window.updates / window.waiting / measuredSeconds, 3),
        lagOverTime,
        gapsOver2s: window.gapsOver2s,
        clientsWithoutUpdates: window.withoutUpdates,
        windowSeconds: round(measuredSeconds, 1),
        failed: pool.counters().failed,
      },
      fanout: {
        tickMs: { p50: round(median(tickMsByNode), 2) },
        tickMsByNode: tickMsByNode.map((ms) => round(ms, 2)),
        ticksByNode: ticks,
        publishToImmediateMs: { p50: round(median(publishP50), 3), p99: round(median(publishP99), 3) },
        frameBytes: await tickFrameBytes(deployment, HOLD_EVENT.id),
        connectionsPerNode: perNode,
      },
      redis: { commandsPerClientPerMinute: round(commands / window.waiting / (measuredSeconds / 60), 4), commands, windowSeconds: round(measuredSeconds, 1) },
      loadgen: {
        workers: pool.pids.length,
        cpuSecondsPerSecond: round(loadgenCpuSeconds / measuredSeconds, 3),
        rssBytesPerClient: Math.round(window.rss / window.waiting),
      },
    };
  } finally {
    progress('hold: closing the clients');
    await pool.stop();
  }
}
