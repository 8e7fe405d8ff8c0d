/**
 * `drain`: people join an open event while it admits at `admitsPerMinute`
 * with at most `maxActive` booking at once; each admitted person books at
 * once, and ABANDON_RATE of them give up while waiting. Measures how long the
 * line takes to drain against the ideal the limits allow, the most people
 * ever active (sampled from the store), and how far each person's ETA at
 * joining was from when they were actually admitted.
 */
import type { DrainRecord } from '../loadgen/messages.js';
import type { Deployment } from '../lib/deployment.js';
import { LoadPool } from '../lib/loadgen-pool.js';
import { quantile, round } from '../lib/stats.js';

export const DRAIN_EVENT = { id: 'drain', maxActive: 500, admitsPerMinute: 12_000 };
const ABANDON_RATE = 0.2;

export interface DrainResult {
  clients: number;
  admitted: number;
  abandoned: number;
  booked: number;
  seconds: number;
  idealSeconds: number;
  ratio: number;
  maxActive: number;
  maxActiveObserved: number;
  admitsPerMinute: number;
  etaErrorPct: { p50: number; p90: number; samples: number };
}

export async function runDrain(deployment: Deployment, clients: number, progress: (line: string) => void): Promise<DrainResult> {
  const targets = deployment.gateways.map((gateway) => gateway.wsUrl);
  let maxActiveObserved = 0;
  const sampler = setInterval(() => {
    void deployment.stores.queue.figures(DRAIN_EVENT.id, Date.now(), 1).then((f) => (maxActiveObserved = Math.max(maxActiveObserved, f.active)));
  }, 100);
  progress(
    `drain: ${clients} join an open event (${DRAIN_EVENT.admitsPerMinute}/min, maxActive ${DRAIN_EVENT.maxActive}); ${ABANDON_RATE * 100}% give up while waiting`,
  );
  const pool = await LoadPool.start({
    scenario: 'drain',
    transport: 'net',
    targets,
    eventId: DRAIN_EVENT.id,
    count: clients,
    connectConcurrency: 256,
    abandonRate: ABANDON_RATE,
    reservationsUrl: deployment.reservations.url,
  });
  try {
    await pool.until(
      (c) => c.joined + c.failed >= clients && c.admitted + c.abandoned + c.failed >= clients,
      900_000,
      (c) => progress(`drain: ${c.joined} joined, ${c.admitted} admitted, ${c.booked} booked, ${c.abandoned} gave up, ${c.failed} failed`),
    );
    const snapshots = await pool.snapshots();
    const records: DrainRecord[] = snapshots.flatMap((s) => s.drain ?? []);
    const admitted = records.filter((r) => r.admittedAt !== null);
    const firstJoin = Math.min(...records.map((r) => r.joinedAt));
    const lastAdmission = Math.max(...admitted.map((r) => r.admittedAt!));
    const seconds = (lastAdmission - firstJoin) / 1000;
    const idealSeconds = admitted.length / (DRAIN_EVENT.admitsPerMinute / 60);
    const errors = admitted
      .filter((r) => r.etaSecondsAtJoin !== null && r.etaSecondsAtJoin > 0)
      .map((r) => {
        const waited = (r.admittedAt! - r.joinedAt) / 1000;
        return (Math.abs(waited - r.etaSecondsAtJoin!) / Math.max(waited, 1)) * 100;
      });
    return {
      clients,
      admitted: admitted.length,
      abandoned: records.filter((r) => r.abandoned).length,
      booked: records.filter((r) => r.booked).length,
      seconds: round(seconds, 1),
      idealSeconds: round(idealSeconds, 1),
      ratio: round(seconds / idealSeconds, 3),
      maxActive: DRAIN_EVENT.maxActive,
      maxActiveObserved,
      admitsPerMinute: DRAIN_EVENT.admitsPerMinute,
      etaErrorPct: { p50: round(quantile(errors, 0.5), 1), p90: round(quantile(errors, 0.9), 1), samples: errors.length },
    };
  } finally {
    clearInterval(sampler);
    await pool.stop();
  }
}
