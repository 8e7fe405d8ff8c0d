/**
 * Pearson's chi-square test of independence for a contingency table, with the
 * p-value from the Wilson–Hilferty normal approximation of the chi-square
 * distribution (accurate to a few parts in a thousand for the tens of degrees
 * of freedom used here, far finer than the 0.01 threshold it is tested against).
 */

export interface ChiSquare {
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
}

export function chiSquareIndependence(table: readonly (readonly number[])[]): ChiSquare {
  const rows = table.map((row) => row.reduce((a, b) => a + b, 0));
  const columns = table[0]!.map((_, j) => table.reduce((sum, row) => sum + row[j]!, 0));
  const total = rows.reduce((a, b) => a + b, 0);
  let statistic = 0;
  table.forEach((row, i) =>
    row.forEach((observed, j) => {
      const expected = (rows[i]! * columns[j]!) / total;
      statistic += (observed - expected) ** 2 / expected;
    }),
  );
  const degreesOfFreedom = (table.length - 1) * (columns.length - 1);
  return { statistic, degreesOfFreedom, pValue: chiSquareSurvival(statistic, degreesOfFreedom) };
}

/** P(X ≥ x) for X ~ chi-square with k degrees of freedom (Wilson–Hilferty). */
export function chiSquareSurvival(x: number, k: number): number {
  const spread = 2 / (9 * k);
  const z = (Math.cbrt(x / k) - (1 - spread)) / Math.sqrt(spread);
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes' erfcc: relative error below 1.2e-7 everywhere). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const value = t * Math.exp(poly);
  return x >= 0 ? value : 2 - value;
}

/** A table of counts: rows = decile of `a`, columns = decile of `b`, for values 1..n of each. */
export function decileTable(pairs: readonly { a: number; b: number }[], n: number, bins = 10): number[][] {
  const table = Array.from({ length: bins }, () => new Array<number>(bins).fill(0));
  const bin = (value: number) => Math.min(bins - 1, Math.floor(((value - 1) * bins) / n));
  for (const { a, b } of pairs) table[bin(a)]![bin(b)]!++;
  return table;
}
