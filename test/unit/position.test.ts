import { describe, expect, it } from 'vitest';
import { BUCKET_WIDTHS, bucketsOf, segmentLayout } from '../../shared/queue/left-segments.js';
import { etaSeconds, leftAhead, peopleAhead, type QueueSnapshot } from '../../shared/queue/position.js';
import { TickMessage, type LeftSegment } from '../../shared/protocol/messages.js';
import { seededRandom } from '../support/seeded-random.js';

/** A seeded generator, so every failure replays: random(seed)(n) is uniform in [0, n). */
function random(seed: number): (below: number) => number {
  return seededRandom(seed).int;
}

/** What a store does: count each leaver in its bucket at every level, then read the layout's spans. */
function segmentsFor(cursor: number, issued: number, leavers: Iterable<number>): LeftSegment[] {
  const counts = BUCKET_WIDTHS.map(() => new Map<number, number>());
  for (const ticketNo of leavers) {
    bucketsOf(ticketNo).forEach((bucket, level) => counts[level]!.set(bucket, (counts[level]!.get(bucket) ?? 0) + 1));
  }
  return segmentLayout(cursor, issued).map(({ level, firstBucket, count }) => ({
    f: firstBucket * BUCKET_WIDTHS[level],
    w: BUCKET_WIDTHS[level],
    n: Array.from({ length: count }, (_, k) => counts[level]!.get(firstBucket + k) ?? 0),
  }));
}

function snapshot(c: number, i: number, l: LeftSegment[], st: QueueSnapshot['st'] = 'open', r = 0, q = 0): QueueSnapshot {
  return { st, c, i, q, r, l };
}

/** Checks the layout covers exactly (cursor, issued] with contiguous spans; returns the spans. */
function checkLayout(cursor: number, issued: number) {
  const spans = segmentLayout(cursor, issued);
  if (issued <= cursor) {
    expect(spans).toEqual([]);
    return spans;
  }
  expect(spans.length).toBeGreaterThan(0);
  let next = -1;
  spans.forEach((span, index) => {
    const width = BUCKET_WIDTHS[span.level];
    expect(span.count).toBeGreaterThan(0);
    if (index > 0) expect(span.level).toBeGreaterThan(spans[index - 1]!.level);
    const start = span.firstBucket * width;
    if (index === 0) expect(start <= cursor + 1 && cursor + 1 < start + width).toBe(true);
    else expect(start).toBe(next);
    next = start + span.count * width;
  });
  expect(next - BUCKET_WIDTHS[spans[spans.length - 1]!.level]).toBeLessThanOrEqual(issued);
  expect(next).toBeGreaterThan(issued);
  return spans;
}

const [W0, W1, W2, W3] = BUCKET_WIDTHS;

describe('bucketsOf', () => {
  it('gives the bucket index at each width, each width 64 times the last', () => {
    expect(BUCKET_WIDTHS).toEqual([16, 1024, 65536, 4194304]);
    expect(bucketsOf(0)).toEqual([0, 0, 0, 0]);
    expect(bucketsOf(W0 - 1)).toEqual([0, 0, 0, 0]);
    expect(bucketsOf(W0)).toEqual([1, 0, 0, 0]);
    expect(bucketsOf(W1)).toEqual([64, 1, 0, 0]);
    expect(bucketsOf(W2 - 1)).toEqual([W2 / W0 - 1, 63, 0, 0]);
    expect(bucketsOf(W3)).toEqual([W3 / W0, W3 / W1, 64, 1]);
  });
});

describe('segmentLayout', () => {
  it('is empty when nobody waits past the cursor', () => {
    checkLayout(0, 0);
    checkLayout(500, 500);
    checkLayout(700, 500);
  });

  it('covers exactly (cursor, issued] with contiguous spans at edge cases', () => {
    for (const [cursor, issued] of [
      [0, 1],
      [W0 - 1, W0],
      [W0, W0 + 1],
      [W1 - 1, W1],
      [W1, 2 * W1],
      [0, W2],
      [W2 - 1, W2],
      [1, 9_999_999],
      [W3 - 1, 3 * W3],
    ]) {
      checkLayout(cursor!, issued!);
    }
    const next = random(7);
    for (let k = 0; k < 2000; k++) {
      const issued = next(12_000_000);
      checkLayout(next(issued + 1), issued);
    }
  });

  it('carries fine buckets for at least the first 2048 tickets past the cursor', () => {
    const next = random(11);
    for (let k = 0; k < 500; k++) {
      const cursor = next(2_000_000);
      const issued = cursor + 1 + next(1_000_000);
      const fine = segmentLayout(cursor, issued)[0]!;
      expect(fine.level).toBe(0);
      expect((fine.firstBucket + fine.count) * W0).toBeGreaterThanOrEqual(Math.min(issued + 1, cursor + 1 + 2 * W1));
    }
  });

  it('stays a few hundred numbers long even for 10,000,000 issued tickets', () => {
    for (const cursor of [0, 1, W1 - 1, W2 - 1, 1_234_567, 9_000_000]) {
      const spans = checkLayout(cursor, 10_000_000);
      for (const span of spans.slice(0, 3)) expect(span.count).toBeLessThanOrEqual(193);
      expect(spans.reduce((sum, s) => sum + s.count, 0)).toBeLessThanOrEqual(600);
    }
    const tick = { type: 'tick', e: 'big', st: 'open', c: 0, i: 10_000_000, q: 0, r: 0, t: 0, l: segmentsFor(0, 10_000_000, []) };
    expect(TickMessage.safeParse(tick).success).toBe(true);
  });
});

describe('leftAhead and peopleAhead', () => {
  it('is exact when the leavers lie in fine buckets wholly ahead of the ticket', () => {
    const leavers = [1009, 1010, 1063, 1100, 1500, 2047];
    const l = segmentsFor(1007, 50_000, leavers);
    expect(leftAhead(l, 1007, 50_000, 2048)).toBe(6);
    expect(peopleAhead(snapshot(1007, 50_000, l), 2048)).toBe(2048 - 1007 - 1 - 6);
    // Leavers behind the ticket do not count.
    expect(peopleAhead(snapshot(1007, 50_000, segmentsFor(1007, 50_000, [...leavers, 2100, 40_000])), 2048)).toBe(1034);
  });

  it('counts a bucket cut by the ticket, cursor or last issued in proportion to its live part ahead', () => {
    // The ticket itself has not left, so a bucket's leavers spread over its other live numbers.
    // A bucket [1024, 1040) with 8 leavers, cut in half by the ticket: 8 ahead of 15 others.
    const full = Array.from({ length: 8 }, (_, k) => 1024 + 2 * k);
    expect(leftAhead(segmentsFor(1023, 100_000, full), 1023, 100_000, 1032)).toBeCloseTo((8 * 8) / 15);
    // Cut by the cursor: live part [1028, 1040), 4 leavers, 6 of the 11 others ahead.
    expect(leftAhead(segmentsFor(1027, 100_000, [1029, 1031, 1035, 1039]), 1027, 100_000, 1034)).toBeCloseTo((4 * 6) / 11);
    // Cut by the last issued ticket: live part [1024, 1032), 4 of the 7 others ahead.
    expect(leftAhead(segmentsFor(1023, 1031, [1025, 1026, 1030, 1031]), 1023, 1031, 1028)).toBeCloseTo((4 * 4) / 7);
    // Every other number of a bucket left: all of them are counted, never more.
    expect(leftAhead(segmentsFor(0, 1000, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15]), 0, 1000, 14)).toBe(13);
  });

  it('puts returners whose turn passed ahead of everyone behind the cursor', () => {
    const l = segmentsFor(100, 200, [150]);
    expect(peopleAhead(snapshot(100, 200, l, 'open', 0, 3), 101)).toBe(3);
    expect(peopleAhead(snapshot(100, 200, l, 'open', 0, 3), 160)).toBe(3 + 59 - 1);
    expect(peopleAhead(snapshot(100, 200, l, 'open', 0, 3), 100)).toBe(0);
  });

  it('is 0 for a ticket whose turn came and never negative', () => {
    const l = segmentsFor(100, 200, [150]);
    expect(peopleAhead(snapshot(100, 200, l), 50)).toBe(0);
    expect(peopleAhead(snapshot(100, 200, l), 100)).toBe(0);
    expect(peopleAhead(snapshot(100, 200, l), 101)).toBe(0);
    expect(peopleAhead(snapshot(100, 200, l), 102)).toBe(1);
    const overstated: LeftSegment[] = [{ f: 112, w: 16, n: [500] }];
    expect(peopleAhead(snapshot(100, 200, overstated), 120)).toBe(0);
  });

  it('stays within max(5, 2%) of the true live count in a simulated queue with 20% leavers', () => {
    const next = random(Number(process.env.POSITION_SEED ?? 20240719));
    let naiveWrong = 0;
    for (let trial = 0; trial < 40; trial++) {
      const issued = trial < 2 ? 2_000_000 : next(2_000_001);
      const cursor = next(issued + 1);
      const waiting = issued - cursor;
      const left = new Set<number>();
      while (left.size < Math.floor(waiting * 0.2)) left.add(cursor + 1 + next(waiting));
      const sorted = Float64Array.from(left).sort();
      const l = segmentsFor(cursor, issued, left);
      const snap = snapshot(cursor, issued, l);
      for (let q = 0; q < 300; q++) {
        const ticketNo = cursor + 1 + (q % 3 === 0 ? next(Math.min(waiting + 1, 5000)) : next(waiting + 1));
        let lo = 0;
        let hi = sorted.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (sorted[mid]! < ticketNo) lo = mid + 1;
          else hi = mid;
        }
        const truth = ticketNo - cursor - 1 - lo;
        const tolerance = Math.max(5, truth * 0.02);
        const error = Math.abs(peopleAhead(snap, ticketNo) - truth);
        if (error > tolerance) expect.fail(`cursor ${cursor} issued ${issued} ticket ${ticketNo}: ${peopleAhead(snap, ticketNo)} vs ${truth}`);
        if (Math.abs(ticketNo - cursor - 1 - truth) > tolerance) naiveWrong++;
      }
    }
    // The same check fails when leavers are ignored, so it can catch a broken count.
    expect(naiveWrong).toBeGreaterThan(3000);
  });
});

describe('etaSeconds', () => {
  it('is ceil((ahead + 1) / rate · 60) while open with a rate', () => {
    expect(etaSeconds(snapshot(0, 0, [], 'open', 60), 0)).toBe(1);
    expect(etaSeconds(snapshot(0, 0, [], 'open', 60), 59)).toBe(60);
    expect(etaSeconds(snapshot(0, 0, [], 'open', 7), 9)).toBe(86);
    expect(etaSeconds(snapshot(0, 0, [], 'open', 0.5), 0)).toBe(120);
  });

  it('is null when not open or without a rate', () => {
    for (const st of ['prequeue', 'paused', 'closed'] as const) expect(etaSeconds(snapshot(0, 0, [], st, 60), 10)).toBeNull();
    expect(etaSeconds(snapshot(0, 0, [], 'open', 0), 10)).toBeNull();
  });
});
