/** Order statistics for benchmark samples (the nearest-rank quantile of the multi-process tests). */
import { quantile as quantileOfSorted } from '../../test/support/cluster-flow.js';

/** The q-quantile (0 ≤ q ≤ 1) of unsorted samples; NaN for none. */
export function quantile(samples: readonly number[], q: number): number {
  return quantileOfSorted(
    [...samples].sort((a, b) => a - b),
    q,
  );
}

export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** Rounds for the JSON report: 3 significant decimals are plenty for every figure here. */
export function round(value: number, digits = 3): number {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : value;
}

/** Least-squares slope of y over x (NaN when every x is the same). */
export function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}
