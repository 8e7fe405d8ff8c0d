/**
 * A waiter's place and ETA, computed from the broadcast tick and its own
 * ticket number. The same functions run in browsers and on the server
 * (docs/decisions/001-position-and-eta.md).
 */
import type { LeftSegment, TickMessage } from '../protocol/messages.js';

export type QueueSnapshot = Pick<TickMessage, 'st' | 'c' | 'i' | 'q' | 'r' | 'l'>;

/**
 * Estimated leavers among tickets [cursor + 1, ticketNo). Whole buckets count
 * exactly; a bucket cut by `ticketNo` counts in proportion to the part of its
 * live range (past the cursor, up to the last issued ticket) that lies ahead,
 * leaving out `ticketNo` itself, which is known not to have left.
 */
export function leftAhead(segments: readonly LeftSegment[], cursor: number, issued: number, ticketNo: number): number {
  const low = cursor + 1;
  let left = 0;
  for (const segment of segments) {
    for (let k = 0; k < segment.n.length; k++) {
      const count = segment.n[k]!;
      const start = segment.f + k * segment.w;
      if (start >= ticketNo) return left;
      if (count === 0) continue;
      const liveFrom = Math.max(start, low);
      const liveTo = Math.min(start + segment.w, issued + 1);
      const aheadTo = Math.min(liveTo, ticketNo);
      if (aheadTo <= liveFrom) continue;
      if (aheadTo >= liveTo) left += count;
      else left += Math.min(count, (count * (aheadTo - liveFrom)) / Math.max(1, liveTo - liveFrom - 1));
    }
  }
  return left;
}

/**
 * People still waiting ahead of `ticketNo`: returners who go first, then
 * those between the cursor and it who have not left; 0 once its turn has come.
 */
export function peopleAhead(snapshot: QueueSnapshot, ticketNo: number): number {
  if (ticketNo <= snapshot.c) return 0;
  const between = ticketNo - snapshot.c - 1;
  const left = Math.round(leftAhead(snapshot.l, snapshot.c, snapshot.i, ticketNo));
  return snapshot.q + Math.max(0, between - Math.min(left, between));
}

/**
 * Seconds until `ahead` people and then this one are admitted at the tick's
 * rate, or null when no honest estimate exists (not open, or no rate yet).
 */
export function etaSeconds(snapshot: QueueSnapshot, ahead: number): number | null {
  if (snapshot.st !== 'open' || snapshot.r <= 0) return null;
  return Math.ceil(((ahead + 1) / snapshot.r) * 60);
}
