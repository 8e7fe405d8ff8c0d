/**
 * The memory store's admission over the main line and the priority lanes,
 * the twin of the walk in server/store/redis/scripts/admit.lua (docs/decisions/031):
 * each admission goes to the lane owed the most (credit ≥ 1), else to the main
 * line, else to any lane with people waiting; after each admission every lane
 * with people waiting is owed its share more; a lane with nobody waiting is
 * owed nothing (its share flows back to the main line).
 */
import { placeOf, ticketAt } from '../../../shared/queue/draw.js';
import { bucketsOf } from '../../../shared/queue/left-segments.js';
import { lineOf } from '../../../shared/queue/lanes.js';
import { Status } from '../ticket-status.js';
import type { LaneShare } from '../types.js';
import type { MemoryEventState, MemoryLane } from './event-state.js';

export function countLeft(state: MemoryEventState, place: number, delta: 1 | -1): void {
  bucketsOf(place).forEach((bucket, level) => {
    const counts = state.leftBuckets[level]!;
    const next = (counts.get(bucket) ?? 0) + delta;
    if (next === 0) counts.delete(bucket);
    else counts.set(bucket, next);
  });
}

/** The requeued tickets of one line (0 main, k lane k), lowest place first. */
export function requeuedOf(state: MemoryEventState, line: number): number[] {
  const placed = (ticketNo: number) => placeOf(ticketNo, state.draw);
  return [...state.requeued].filter((ticketNo) => lineOf(ticketNo) === line).sort((a, b) => placed(a) - placed(b));
}

/** One line as a step walks it: the main line (lane null) or a lane. */
interface Line {
  lane: MemoryLane | null;
  share: number;
  steps: number;
  /** Its cursor reached the end of its reach in this step (issued, or maxSteps). */
  done: boolean;
}

export interface LineWalk {
  state: MemoryEventState;
  maxSteps: number;
  /** Grants the ticket (the caller counts it). */
  grant(ticketNo: number): void;
  skipped: number;
}

function cursorOf(walk: LineWalk, line: Line): number {
  return line.lane ? line.lane.cursor : walk.state.cursor;
}

function issuedOf(walk: LineWalk, line: Line): number {
  return line.lane ? line.lane.issued : walk.state.issued;
}

function waitingIn(walk: LineWalk, line: Line): boolean {
  return cursorOf(walk, line) < issuedOf(walk, line) || requeuedOf(walk.state, line.lane?.line ?? 0).length > 0;
}

/**
 * The line's next admission: its first requeued ticket, else the cursor walks
 * (away → passed, left → finished, revoked: un-counted) to the next waiter and
 * grants it. With `want` false it only walks up to the next waiter. True when
 * one was granted.
 */
function take(walk: LineWalk, line: Line, want: boolean): boolean {
  const { state } = walk;
  if (want) {
    const [first] = requeuedOf(state, line.lane?.line ?? 0);
    if (first !== undefined) {
      state.requeued.delete(first);
      walk.grant(first);
      return true;
    }
  }
  while (line.steps < walk.maxSteps && cursorOf(walk, line) < issuedOf(walk, line)) {
    const place = cursorOf(walk, line) + 1;
    const ticketNo = line.lane ? place : ticketAt(place, state.draw);
    const status = state.status.get(ticketNo);
    if (status === Status.WAITING && !want) return false;
    if (status === Status.WAITING) walk.grant(ticketNo);
    else if (status === Status.AWAY) {
      state.away.delete(ticketNo);
      state.status.set(ticketNo, Status.PASSED);
      walk.skipped++;
    } else if (status === Status.LEFT || status === Status.REVOKED) {
      countLeft(state, place, -1);
      if (status === Status.LEFT) state.status.set(ticketNo, Status.FINISHED);
      walk.skipped++;
    }
    if (line.lane) line.lane.cursor = place;
    else state.cursor = place;
    line.steps++;
    if (status === Status.WAITING) return true;
  }
  line.done = true;
  return false;
}

/** Spends `budget` admissions over the main line and the lanes; then every line's cursor walks up to its next waiter. */
export function admitLines(walk: LineWalk, shares: readonly LaneShare[], budget: number): void {
  const lanes: Line[] = [];
  for (const { id, share } of shares) {
    const lane = walk.state.lanes.get(id);
    if (lane) lanes.push({ lane, share, steps: 0, done: false });
  }
  const main: Line = { lane: null, share: 0, steps: 0, done: false };
  const owed = () => lanes.filter((line) => !line.done && line.lane!.credit >= 1 && waitingIn(walk, line));
  const mostOwed = (candidates: Line[]) => candidates.reduce<Line | null>((best, line) => (!best || line.lane!.credit > best.lane!.credit ? line : best), null);
  while (budget > 0) {
    const lane = mostOwed(owed());
    let taken: Line | null = null;
    if (lane) {
      if (take(walk, lane, true)) taken = lane;
    } else if (!main.done) {
      if (take(walk, main, true)) taken = main;
    } else {
      const other = mostOwed(lanes.filter((line) => !line.done && waitingIn(walk, line)));
      if (!other) break;
      if (take(walk, other, true)) taken = other;
    }
    if (!taken) continue;
    budget--;
    if (taken.lane) taken.lane.credit = Math.max(0, taken.lane.credit - 1);
    for (const line of lanes) if (waitingIn(walk, line)) line.lane!.credit += line.share;
  }
  for (const line of [main, ...lanes]) {
    take(walk, line, false);
    if (line.lane && !waitingIn(walk, line)) line.lane.credit = 0;
  }
}

/** Whether anyone is still waiting in any line (the step was bound by the limits, not by demand). */
export function anyoneWaiting(state: MemoryEventState): boolean {
  if (state.cursor < state.issued || state.requeued.size > 0) return true;
  return [...state.lanes.values()].some((lane) => lane.cursor < lane.issued);
}
