import { bucketsOf, segmentLayout, BUCKET_WIDTHS } from './shared/queue/left-segments.js';
import { peopleAhead } from './shared/queue/position.js';
let worst = 0, fails = 0, n = 0;
let seed = 12345; const rnd = (b: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor((seed / 2147483648) * b); };
for (let trial = 0; trial < 200; trial++) {
  const issued = rnd(2_000_001) + 10; const cursor = rnd(issued); const waiting = issued - cursor;
  const left = new Set<number>(); while (left.size < Math.floor(waiting * 0.2)) left.add(cursor + 1 + rnd(waiting));
  const counts = BUCKET_WIDTHS.map(() => new Map<number, number>());
  for (const t of left) bucketsOf(t).forEach((b, l) => counts[l]!.set(b, (counts[l]!.get(b) ?? 0) + 1));
  const l = segmentLayout(cursor, issued).map(s => ({ f: s.firstBucket * BUCKET_WIDTHS[s.level], w: BUCKET_WIDTHS[s.level], n: Array.from({ length: s.count }, (_, k) => counts[s.level]!.get(s.firstBucket + k) ?? 0) }));
  const sorted = [...left].sort((a, b) => a - b);
  for (let q = 0; q < 300; q++) {
    const t = cursor + 1 + (q % 2 ? rnd(Math.min(waiting, 3000)) : rnd(waiting));
    let lo = 0, hi = sorted.length; while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m]! < t) lo = m + 1; else hi = m; }
    const truth = t - cursor - 1 - lo; const err = Math.abs(peopleAhead({ st: 'open', c: cursor, i: issued, r: 0, l }, t) - truth);
    const tol = Math.max(5, truth * 0.02); worst = Math.max(worst, err / tol); n++; if (err > tol) fails++;
  }
}
console.log({ positions: n, fails, worstErrorOverTolerance: worst.toFixed(2) });
