/** Everything the memory stores keep for one event; the queue and booking stores share it. */
import type { Draw } from '../../../shared/queue/draw.js';
import type { DrawProposal } from '../draw-seed.js';
import { BUCKET_WIDTHS } from '../../../shared/queue/left-segments.js';
import { Status } from '../ticket-status.js';
import type { BookingRecord, LaneCode, Notice } from '../types.js';

/** One priority lane's sequence (docs/decisions/031): cursor and issued are ticket numbers in its range. */
export interface MemoryLane {
  id: string;
  line: number;
  cursor: number;
  issued: number;
  /** Admissions the lane is owed from its share (can reach a little above 1). */
  credit: number;
  admittedTotal: number;
}

export class MemoryEventState {
  issued = 0;
  cursor = 0;
  /** Ticket number → status (see ../ticket-status.ts). */
  readonly status = new Map<number, string>();
  /** Away tickets → when they disconnected; insertion order is time order. */
  readonly away = new Map<number, number>();
  /** The pre-queue draw, made at the opening (shared/queue/draw.ts). */
  draw: Draw | null = null;
  /** The commitment to the draw's seed (with the secret seed and nonce), made by the first join or controller step. */
  commitment: (DrawProposal & { at: number }) | null = null;
  /** Leavers not yet counted in leftBuckets: their places are drawn at the opening. */
  readonly deferred = new Set<number>();
  /** Requeued tickets, admitted first, lowest place first. */
  readonly requeued = new Set<number>();
  /** Granted, unused tickets → grant expiry. */
  readonly active = new Map<number, number>();
  /** Waiting and requeued tickets → the node holding its connection. */
  readonly held = new Map<number, number>();
  /** Node → its last heartbeat. */
  readonly heartbeats = new Map<number, number>();
  /** Leavers not yet passed, per bucket of places, one map per bucket width. */
  readonly leftBuckets = BUCKET_WIDTHS.map(() => new Map<number, number>());
  tokens = 0;
  tokensAt = 0;
  paused = false;
  ratePerMinute = 0;
  admittedTotal = 0;
  lease: { holder: string; until: number } | null = null;
  notice: Notice | null = null;
  /** Revocations ever made, and the ticket numbers of the latest (RECENT_REVOCATIONS), oldest first. */
  revokedSeq = 0;
  revokedRecent: number[] = [];
  /** Priority lanes by id, numbered in the order of their first join. */
  readonly lanes = new Map<string, MemoryLane>();
  /** Lane codes by code. */
  readonly laneCodes = new Map<string, LaneCode>();

  /** Grant id → booking reference and the request fingerprint that used it. */
  readonly usedGrants = new Map<string, { reference: string; fingerprint: string }>();
  /** Person key → booking reference. */
  readonly people = new Map<string, string>();
  /** `${centerId}/${slotId}` → units taken. */
  readonly slotsTaken = new Map<string, number>();
  readonly bookings = new Map<string, BookingRecord>();
}

/** A booked ticket: used, and it gives up its active place, away or requeued entry and holder. */
export function markUsed(state: MemoryEventState, ticketNo: number): void {
  state.active.delete(ticketNo);
  state.away.delete(ticketNo);
  state.requeued.delete(ticketNo);
  state.held.delete(ticketNo);
  state.status.set(ticketNo, Status.USED);
}

export class MemoryEvents {
  private readonly events = new Map<string, MemoryEventState>();
  get(eventId: string): MemoryEventState {
    let state = this.events.get(eventId);
    if (!state) {
      state = new MemoryEventState();
      this.events.set(eventId, state);
    }
    return state;
  }
}
