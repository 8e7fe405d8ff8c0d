/** The benchmark's publish quantiles, now read from histogram buckets over its window as PromQL's histogram_quantile would. */
import { describe, expect, it } from 'vitest';
import { publishCount, publishQuantileMs } from '../../bench/lib/deployment.js';

const reading = (entries: [number, number][]) => new Map(entries);

describe('publishQuantileMs', () => {
  const before = reading([
    [0.001, 10],
    [0.002, 10],
    [Infinity, 10],
  ]);
  // 50 more publishes at or under 1 ms, 50 between 1 and 2 ms, since `before`.
  const after = reading([
    [0.001, 60],
    [0.002, 110],
    [Infinity, 110],
  ]);

  it('counts and interpolates only the publishes between the two readings', () => {
    expect(publishCount(before, after)).toBe(100);
    expect(publishQuantileMs(before, after, 0.5)).toBeCloseTo(1, 9);
    expect(publishQuantileMs(before, after, 0.75)).toBeCloseTo(1.5, 9);
    expect(publishQuantileMs(before, after, 0.25)).toBeCloseTo(0.5, 9);
  });

  it('is NaN with no publishes, and the highest finite bound for those past it', () => {
    expect(publishQuantileMs(after, after, 0.5)).toBeNaN();
    const slow = reading([
      [0.001, 0],
      [0.002, 0],
      [Infinity, 4],
    ]);
    expect(publishQuantileMs(new Map(), slow, 0.99)).toBe(2);
  });
});
