/**
 * Which counters of "people who left" a tick carries, so that one identical
 * frame lets every waiter compute its own place (docs/decisions/001-position-and-eta.md).
 *
 * Leavers are counted in buckets at four widths (16, 1024, 65536, 4194304
 * tickets; each 64 times the last).
 * Near the front of the queue a tick carries the fine buckets, further back the
 * coarse ones, so a waiter's error stays a small fraction of its distance to
 * the front while a tick stays a few hundred numbers long even for millions.
 */

export const BUCKET_WIDTHS = [16, 1024, 65536, 4194304] as const;
export type BucketLevel = 0 | 1 | 2 | 3;

export interface SegmentSpan {
  level: BucketLevel;
  /** First bucket index at this level (ticket number / width). */
  firstBucket: number;
  /** Number of consecutive buckets. */
  count: number;
}

/** Bucket index of ticket `n` at each level, for counting a leaver. */
export function bucketsOf(ticketNo: number): number[] {
  return BUCKET_WIDTHS.map((width) => Math.floor(ticketNo / width));
}

/**
 * How many widths of the next-coarser level a level reaches past the cursor
 * at least. A coarse bucket is then at most half of a waiter's distance from
 * the front, so counting its leavers in proportion errs by far less than 2 %.
 */
const REACH = 2;

/**
 * The buckets covering tickets (cursor, issued]: each level covers from where
 * the finer one ended to REACH widths of the next-coarser level past that
 * point (rounded up to that level's boundary), the coarsest level the rest.
 */
export function segmentLayout(cursor: number, issued: number): SegmentSpan[] {
  const spans: SegmentSpan[] = [];
  let from = cursor + 1;
  for (let level = 0 as BucketLevel; level < BUCKET_WIDTHS.length && from <= issued; level++) {
    const width = BUCKET_WIDTHS[level]!;
    const coarser = BUCKET_WIDTHS[level + 1];
    const end = coarser === undefined ? issued + 1 : Math.min(issued + 1, (Math.floor(from / coarser) + REACH + 1) * coarser);
    const firstBucket = Math.floor(from / width);
    const lastBucket = Math.floor((end - 1) / width);
    spans.push({ level, firstBucket, count: lastBucket - firstBucket + 1 });
    from = (lastBucket + 1) * width;
  }
  return spans;
}
