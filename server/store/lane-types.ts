/**
 * Priority lanes in the store (docs/decisions/031-priority-lanes.md): a lane is
 * a sequence of its own (shared/queue/lanes.ts), entered with a code an
 * operator issued. Both stores pass test/store/store-contract-lanes.test.ts.
 */
import type { BucketLevel } from '../../shared/queue/left-segments.js';

/** A lane's figures, read with the main line's once per tick. Cursor and issued are ticket numbers (in the lane's range). */
export interface LaneFigures {
  /** The lane's id in the event config. */
  id: string;
  /** The lane's number k: its tickets are k·LANE_SPAN + 1, … */
  line: number;
  /** Every lane ticket ≤ cursor has had its turn. */
  cursor: number;
  /** Highest lane ticket number issued. */
  issued: number;
  /** The lane's returners whose turn passed while they were away: first in the lane. */
  requeued: number;
  /** Admitted from this lane, ever. */
  admittedTotal: number;
  /** The lane's leaver counts for segmentLayout(cursor, issued), as QueueFigures['left']. */
  left: { level: BucketLevel; firstBucket: number; counts: number[] }[];
}

/** A lane's share of the admissions, as the controller passes it to each step (event config `lanes`). */
export interface LaneShare {
  id: string;
  /** Fraction of the admissions the lane is given while people wait in it (0 < share < 1). */
  share: number;
}

/** A code as an operator issues it. */
export interface NewLaneCode {
  /** The normalised code (shared/queue/lane-code.ts). */
  code: string;
  laneId: string;
  /** How many joins it admits to the lane: 1 for a single-use code. */
  uses: number;
  expiresAt: number;
}

/** An issued code and how often it was used. */
export interface LaneCode extends NewLaneCode {
  used: number;
  issuedAt: number;
}

/** The most codes one event keeps (issuing refuses beyond it). */
export const MAX_LANE_CODES = 10_000;

/** What a join with a code did: a lane ticket, or why not (the person may still join the main line). */
export type LaneJoin = { kind: 'joined'; ticketNo: number; laneId: string } | { kind: 'unknown' } | { kind: 'expired' } | { kind: 'used_up' };

/** The lane half of the queue store. */
export interface LaneStore {
  /**
   * Atomically: checks the code (known, for a lane in `lanes`, not expired, uses left), records one
   * use of it, and issues the next ticket of its lane, held by `node`.
   */
  joinLane(eventId: string, code: string, lanes: readonly string[], now: number, node: number): Promise<LaneJoin>;
  /** Records new codes; refuses (false, nothing written) when one exists already or the event would keep more than MAX_LANE_CODES. */
  issueCodes(eventId: string, codes: readonly NewLaneCode[], now: number): Promise<boolean>;
  /** Every code of the event with its use count, newest first. */
  listCodes(eventId: string): Promise<LaneCode[]>;
}
