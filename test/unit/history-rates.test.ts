/**
 * The console's per-minute rates (server/gateway/history.ts): measured over
 * the minute before each point, so the controller's bursts (one admission
 * every 10 s for a limit of 6 a minute, sampled every 5 s) read as 6, not as
 * 12 and 0 by turns; a young history measures since its first sample.
 */
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../server/gateway/context.js';
import { EventHistory } from '../../server/gateway/history.js';
import { MemoryHistory } from '../../server/store/memory/history.js';
import type { HistorySample } from '../../server/store/types.js';

const STEP = 5_000;
// Sampling only needs the gateway context; series() reads the store alone.
const unusedContext = {} as GatewayContext;

async function historyOf(samples: HistorySample[]): Promise<EventHistory> {
  const store = new MemoryHistory();
  for (const sample of samples) await store.append('ev', sample, 24 * 3_600_000);
  return new EventHistory(unusedContext, store, { stepMs: STEP, nodeTimeoutMs: 15_000 });
}

function sample(t: number, admittedTotal: number, bookings = 0): HistorySample {
  return { t, waiting: 100, admittedTotal, active: 1, bookings, connections: {} };
}

describe('EventHistory.series rates', () => {
  it('never shows more than the admission limit for bursts a 5-s step would double', async () => {
    // 6 a minute: one admission at every 10 s mark, 20 minutes of samples every 5 s.
    const samples = Array.from({ length: 240 }, (_, k) => sample(1_000_000 + k * STEP, Math.floor((k * STEP) / 10_000)));
    const history = await historyOf(samples);
    const now = samples.at(-1)!.t;
    const points = await history.series('ev', now, 10 * 60_000);
    expect(points.length).toBe(121); // both ends of the 10 minutes
    const rates = points.map((point) => point.admittedPerMinute);
    console.log(`admitted per minute at a limit of 6: ${Math.min(...rates)}–${Math.max(...rates)}`);
    expect(Math.max(...rates)).toBeLessThanOrEqual(6);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(5);
  });

  it('measures a young history since its first sample, and bookings the same way', async () => {
    const history = await historyOf([sample(0, 0, 0), sample(STEP, 1, 1), sample(2 * STEP, 2, 1), sample(3 * STEP, 3, 3)]);
    const points = await history.series('ev', 3 * STEP, 3_600_000);
    expect(points.map((point) => point.t)).toEqual([STEP, 2 * STEP, 3 * STEP]);
    expect(points.map((point) => point.admittedPerMinute)).toEqual([12, 12, 12]);
    expect(points.map((point) => point.bookingsPerMinute)).toEqual([12, 6, 12]);
  });
});
