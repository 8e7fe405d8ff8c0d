/**
 * Priority lanes (docs/decisions/031-priority-lanes.md): each lane of an event
 * is a sequence of its own, in a range of ticket numbers no main-line ticket
 * reaches. Lane k (k ≥ 1, given by the store at the lane's first join, never
 * reused) numbers its tickets k·LANE_SPAN + 1, k·LANE_SPAN + 2, … so a ticket
 * number says which line it is in, the lane's cursor and leaver counts are
 * kept by the same rules and code as the main line's, and nothing a lane does
 * moves the main line's cursor, issued count or leaver counts.
 */
import type { LaneTick } from '../protocol/messages.js';
import { peopleAhead, type QueueSnapshot } from './position.js';

/** Width of each lane's range of ticket numbers; the main line stays below it. */
export const LANE_SPAN = 2 ** 40;

/** Line of a ticket: 0 for the main line, k for the lane numbered k. */
export function lineOf(ticketNo: number): number {
  return Math.floor(ticketNo / LANE_SPAN);
}

/** The number just before lane k's first ticket: its cursor and issued count before anyone joined. */
export function laneBase(lane: number): number {
  return lane * LANE_SPAN;
}

/** What a tick carries that a ticket's line is read from (structurally the tick message). */
interface LinesTick extends QueueSnapshot {
  ln?: readonly LaneTick[];
}

/** Whether anyone waits in a lane as the tick shows it. */
function laneWaiting(lane: LaneTick): boolean {
  return lane.c < lane.i || lane.q > 0;
}

/**
 * The figures of the line a ticket is in, as a snapshot for peopleAhead and
 * etaSeconds, with the line's own rate: a lane admits at its share of the rate
 * while the main line has people waiting (all of it otherwise); the main line
 * at what the lanes with people waiting leave it. `lane` is the lane's id, null
 * in the main line. Null when the tick does not show the ticket's lane yet.
 */
export function lineOfTicket(tick: LinesTick, ticketNo: number): { lane: string | null; snapshot: QueueSnapshot } | null {
  const line = lineOf(ticketNo);
  const lanes = tick.ln ?? [];
  if (line === 0) {
    const lanesShare = lanes.filter(laneWaiting).reduce((sum, lane) => sum + lane.s, 0);
    return { lane: null, snapshot: { ...tick, r: tick.r * Math.max(0, 1 - lanesShare) } };
  }
  const lane = lanes.find((each) => each.k === line);
  if (!lane) return null;
  const mainWaiting = peopleAhead(tick, tick.i + 1) > 0;
  return { lane: lane.id, snapshot: { st: tick.st, c: lane.c, i: lane.i, q: lane.q, l: lane.l, r: mainWaiting ? tick.r * lane.s : tick.r } };
}
