/**
 * The fan-out floor: a bare uWS process (bench/floor/publisher.ts) publishing
 * one frame of the gateway's tick size to as many connections as one gateway
 * holds, timing publish → the next setImmediate (uWS writes to the sockets
 * after publish returns), as the gateway's waitroom_publish_duration_seconds does. The gateway's publish time over this is what Waitroom adds.
 */
import { FloorPublisher } from '../floor/spawn.js';
import { cpuSecondsOf } from '../lib/deployment.js';
import { LoadPool } from '../lib/loadgen-pool.js';
import { median, quantile, round } from '../lib/stats.js';

export interface FloorResult {
  /** CPU per tick of a publisher (process CPU over the window / ticks, median over publishers). */
  floorMs: { p50: number };
  /** publish → next setImmediate per tick (informational). */
  flushMs: { p50: number; p99: number };
  /** Per publisher (a gateway's share). */
  connections: number;
  frameBytes: number;
  ticks: number;
}

const WINDOW_SECONDS = 20;

/**
 * As many publishers as the run had gateways, each with a gateway's share of
 * the connections, all at once: the gateways shared the machine's cores with
 * each other and with the load generators, and so does the floor.
 */
export async function runFloor(publishers: number, connections: number, frameBytes: number, progress: (line: string) => void): Promise<FloorResult> {
  progress(`fanout floor: ${publishers} bare uWS publishers, ${connections} connections each, ${frameBytes}-byte frames`);
  const started = await Promise.all(Array.from({ length: publishers }, () => FloorPublisher.start({ tickMs: 1000, frameBytes })));
  let pool: LoadPool | null = null;
  try {
    const total = publishers * connections;
    pool = await LoadPool.start({
      scenario: 'listen',
      transport: 'net',
      targets: started.map((p) => p.wsUrl),
      eventId: 'floor',
      count: total,
      connectConcurrency: 256,
    });
    await pool.until(
      (c) => c.connected + c.failed >= total,
      600_000,
      (c) => progress(`fanout floor: ${c.connected} connected`),
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (const publisher of started) publisher.ticks.length = 0;
    const cpu = () => Promise.all(started.map((p) => cpuSecondsOf(p.pid)));
    const cpuBefore = await cpu();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_SECONDS * 1000));
    // CPU per tick published, as the gateways' fanout.tickMs: the whole process over the window.
    const cpuMsPerTick = (await cpu()).map((after, k) => ((after - cpuBefore[k]!) * 1000) / Math.max(1, started[k]!.ticks.length));
    // publish → next setImmediate, as the gateway's waitroom_publish_duration_seconds: uWS writes to the sockets after publish returns.
    const perPublisher = started.map((publisher) => publisher.ticks.filter((tick) => tick.connections >= connections * 0.99).map((tick) => tick.flushMs));
    return {
      floorMs: { p50: round(median(cpuMsPerTick), 2) },
      flushMs: { p50: round(median(perPublisher.map((t) => median(t))), 3), p99: round(median(perPublisher.map((t) => quantile(t, 0.99))), 3) },
      connections,
      frameBytes: started[0]!.frameBytes,
      ticks: perPublisher.reduce((sum, ticks) => sum + ticks.length, 0),
    };
  } finally {
    await pool?.stop();
    await Promise.all(started.map((publisher) => publisher.stop()));
  }
}
