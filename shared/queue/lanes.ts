/**
 * Priority lanes (docs/decisions/031-priority-lanes.md): each lane of an event
 * is a sequence of its own, in a range of ticket numbers no main-line ticket
 * reaches. Lane k (k ≥ 1, given by the store at the lane's first join, never
 * reused) numbers its tickets k·LANE_SPAN + 1, k·LANE_SPAN + 2, … so a ticket
 * number says which line it is in, the lane's cursor and leaver counts are
 * kept by the same rules and code as the main line's, and nothing a lane does
 * moves the main line's cursor, issued count or leaver counts.
 */

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
