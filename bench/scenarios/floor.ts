/**
 * The fan-out floor: a bare uWS process (bench/floor/publisher.ts) publishing
 * one frame of the gateway's tick size to as many connections as one gateway
 * holds, timing publish → the next setImmediate (uWS writes to the sockets
 * after publish returns), as the gateway's waitroom_publish_seconds does. The gateway's publish time over this is what Waitroom adds.
 */
import { FloorPublisher } from '../floor/spawn.js';
import { LoadPool } from '../lib/loadgen-pool.js';
import { median, quantile, round } from '../lib/stats.js';

export interface FloorResult {
  floorMs: { p50: number; p99: number };
  connections: number;
  frameBytes: number;
  ticks: number;
}

const WINDOW_SECONDS = 20;

export async function runFloor(connections: number, frameBytes: number, progress: (line: string) => void): Promise<FloorResult> {
  progress(`fanout floor: a bare uWS publisher, ${connections} connections, ${frameBytes}-byte frames`);
  const publisher = await FloorPublisher.start({ tickMs: 1000, frameBytes });
  let pool: LoadPool | null = null;
  try {
    pool = await LoadPool.start({ scenario: 'listen', transport: 'net', targets: [publisher.wsUrl], eventId: 'floor', count: connections, connectConcurrency: 256 });
    await pool.until((c) => c.connected + c.failed >= connections, 300_000, (c) => progress(`fanout floor: ${c.connected} connected`));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    publisher.ticks.length = 0;
    await new Promise((resolve) => setTimeout(resolve, WINDOW_SECONDS * 1000));
    // publish → next setImmediate, as the gateway's waitroom_publish_seconds: uWS writes to the sockets after publish returns.
    const full = publisher.ticks.filter((tick) => tick.connections >= connections * 0.99).map((tick) => tick.flushMs);
    return {
      floorMs: { p50: round(median(full), 3), p99: round(quantile(full, 0.99), 3) },
      connections,
      frameBytes: publisher.frameBytes,
      ticks: full.length,
    };
  } finally {
    await pool?.stop();
    await publisher.stop();
  }
}
