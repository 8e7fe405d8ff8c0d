/**
 * `join`: the opening rush. Clients connect and join as fast as the load
 * generators can, each closing once its ticket arrives (so the count is not
 * bounded by open sockets). Joins per second over the whole rush, and the
 * 99th percentile of join → ticket latency.
 */
import { cpuSecondsOf, type Deployment } from '../lib/deployment.js';
import { LoadPool } from '../lib/loadgen-pool.js';
import { quantile, round } from '../lib/stats.js';

export const RUSH_EVENT = { id: 'rush', maxActive: 1, admitsPerMinute: 1 };

export interface JoinResult {
  joins: number;
  failed: number;
  joinsPerSec: number;
  p50JoinMs: number;
  p99JoinMs: number;
  seconds: number;
  /** CPU seconds each party used during the rush (user + system), against the wall clock: which part bounds it. */
  cpuSeconds: { gateways: number; redis: number; loadGenerators: number; wallClock: number; cores: number };
}

export async function runJoin(deployment: Deployment, clients: number, progress: (line: string) => void): Promise<JoinResult> {
  const targets = deployment.gateways.map((gateway) => gateway.wsUrl);
  progress(`join: ${clients} clients join as fast as they can connect`);
  const gatewayPids = deployment.gateways.map((gateway) => gateway.pid);
  const cpuBefore = { gateways: await cpuSecondsOf(...gatewayPids), redis: await cpuSecondsOf(deployment.redis.pid) };
  const started = Date.now();
  // One worker per core: the generators must not be the bottleneck, and more processes than cores only contend.
  const pool = await LoadPool.start({ scenario: 'join', transport: 'net', targets, eventId: RUSH_EVENT.id, count: clients, connectConcurrency: 512 }, 2);
  try {
    await pool.until(
      (c) => c.joined + c.failed >= clients,
      600_000,
      (c) => progress(`join: ${c.joined} joined, ${c.failed} failed`),
    );
    const snapshots = await pool.snapshots();
    const wall = (Date.now() - started) / 1000;
    const generatorCpu = snapshots.reduce((sum, s) => sum + (s.cpu.user + s.cpu.system) / 1e6, 0);
    const cpuSeconds = {
      gateways: round((await cpuSecondsOf(...gatewayPids)) - cpuBefore.gateways, 1),
      redis: round((await cpuSecondsOf(deployment.redis.pid)) - cpuBefore.redis, 1),
      // The workers' whole life: start-up and the rush (they did nothing else).
      loadGenerators: round(generatorCpu, 1),
      wallClock: round(wall, 1),
      cores: (await import('node:os')).cpus().length,
    };
    const latencies = snapshots.flatMap((s) => s.joinLatencyMs);
    const first = Math.min(...snapshots.map((s) => s.firstTicketAt ?? Infinity));
    const last = Math.max(...snapshots.map((s) => s.lastTicketAt ?? 0));
    const joins = latencies.length;
    const seconds = (last - Math.min(first, started)) / 1000;
    return {
      joins,
      failed: pool.counters().failed,
      joinsPerSec: round(joins / seconds, 0),
      p50JoinMs: round(quantile(latencies, 0.5), 1),
      p99JoinMs: round(quantile(latencies, 0.99), 1),
      seconds: round(seconds, 1),
      cpuSeconds,
    };
  } finally {
    await pool.stop();
  }
}
