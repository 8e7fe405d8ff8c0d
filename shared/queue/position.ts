/**
 * A waiter's place and ETA, computed from the broadcast tick and its own
 * ticket number. The same functions run in browsers and on the server
 * (docs/decisions/001-position-and-eta.md; the pre-queue draw: 005).
 */
import type { LeftSegment, TickMessage } from '../protocol/messages.js';
import { placeOf, type Draw } from './draw.js';

export type QueueSnapshot = Pick<TickMessage, 'st' | 'c' | 'i' | 'q' | 'r' | 'l' | 'dn' | 'ds'>;

/** The tick's pre-queue draw; null before the opening. */
export function drawOf(snapshot: Pick<TickMessage, 'dn' | 'ds'>): Draw | null {
  return snapshot.dn === undefined || snapshot.ds === undefined ? null : { size: snapshot.dn, seed: snapshot.ds };
}

/**
 * Whether places are known yet: not before the opening's draw, when every
 * ticket is in the pre-queue and its place is still to be drawn.
 */
export function placesKnown(snapshot: Pick<TickMessage, 'dn' | 'ds'>): boolean {
  return drawOf(snapshot) !== null;
}

/**
 * Estimated leavers among places [cursor + 1, place). Whole buckets count
 * exactly; a bucket cut by `place` counts in proportion to the part of its
 * live range (past the cursor, up to the last place) that lies ahead,
 * leaving out `place` itself, which is known not to have left.
 */
export function leftAhead(segments: readonly LeftSegment[], cursor: number, issued: number, place: number): number {
  const low = cursor + 1;
  let left = 0;
  for (const segment of segments) {
    for (let k = 0; k < segment.n.length; k++) {
      const count = segment.n[k]!;
      const start = segment.f + k * segment.w;
      if (start >= place) return left;
      if (count === 0) continue;
      const liveFrom = Math.max(start, low);
      const liveTo = Math.min(start + segment.w, issued + 1);
      const aheadTo = Math.min(liveTo, place);
      if (aheadTo <= liveFrom) continue;
      if (aheadTo >= liveTo) left += count;
      else left += Math.min(count, (count * (aheadTo - liveFrom)) / Math.max(1, liveTo - liveFrom - 1));
    }
  }
  return left;
}

/**
 * People still waiting ahead of ticket `ticketNo`: returners who go first, then
 * those placed between the cursor and it who have not left; 0 once its turn
 * has come. Before the draw (see placesKnown) this counts earlier arrivals.
 */
export function peopleAhead(snapshot: QueueSnapshot, ticketNo: number): number {
  const place = placeOf(ticketNo, drawOf(snapshot));
  if (place <= snapshot.c) return 0;
  const between = place - snapshot.c - 1;
  const left = Math.round(leftAhead(snapshot.l, snapshot.c, snapshot.i, place));
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
