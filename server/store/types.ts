/**
 * The two store contracts. The memory and Redis implementations both pass
 * test/store/store-contract.test.ts; nothing outside server/store/ knows which
 * one it talks to.
 *
 * Every method that changes state takes `now` from the caller's Clock, so both
 * implementations follow the same injected time.
 */
import type { BucketLevel } from '../../shared/queue/left-segments.js';

/** What became of a ticket, as seen when its holder comes back. */
export type ReconnectOutcome =
  | { kind: 'waiting' }
  /** Its turn passed while it was away; it is now first in line for the next admission. */
  | { kind: 'requeued' }
  | { kind: 'admitted'; grantExpiresAt: number }
  | { kind: 'grant_expired' }
  | { kind: 'used' }
  | { kind: 'left' }
  | { kind: 'unknown' };

export type AdmissionStatus =
  | { kind: 'admitted'; grantExpiresAt: number }
  /** Its turn has not come (or it is queued for priority admission). */
  | { kind: 'pending' }
  /** Its turn passed while it was away. */
  | { kind: 'passed' }
  | { kind: 'finished' };

export interface QueueFigures {
  /** Every ticket number ≤ cursor has had its turn. */
  cursor: number;
  /** Highest ticket number issued. */
  issued: number;
  /** Admitted people whose grant is neither used nor expired. */
  active: number;
  /** Returners whose turn passed while they were away: they go before everyone behind the cursor. */
  requeued: number;
  /** Operator pause. */
  paused: boolean;
  /** The admission rate the controller last published for ETAs, people per minute. */
  ratePerMinute: number;
  /** Total admitted, ever. */
  admittedTotal: number;
  /** Leaver counts for segmentLayout(cursor, issued), span by span. */
  left: { level: BucketLevel; firstBucket: number; counts: number[] }[];
}

export interface AdmitLimits {
  now: number;
  maxActive: number;
  admitsPerMinute: number;
  /** How long a disconnected waiter keeps counting as "ahead" of others. */
  graceMs: number;
  grantTtlMs: number;
  /** Upper bound on tickets examined in one call (keeps one call short). */
  maxSteps: number;
  /** The controller's current rate estimate, stored for nodes to put in their ticks. */
  ratePerMinute: number;
}

export interface AdmitResult {
  /** Tickets admitted by this call, in order, with their grant expiry. */
  admitted: { ticketNo: number; grantExpiresAt: number }[];
  cursor: number;
  active: number;
  /** Tickets whose turn passed because their holder was away or had left. */
  skipped: number;
  /** Someone was still waiting when this step ended (the limits, not demand, bound it). */
  backlogged: boolean;
}

export interface QueueStore {
  /** Issues `count` consecutive ticket numbers (the joins that arrived together); returns the first. */
  joinBatch(eventId: string, count: number, now: number): Promise<number>;
  /** Its holder connected again (on any node). */
  reconnect(eventId: string, ticketNo: number, now: number): Promise<ReconnectOutcome>;
  /** Their holders disconnected; they keep their place for the grace period, then count as left. */
  disconnect(eventId: string, ticketNos: readonly number[], now: number): Promise<void>;
  /**
   * The holder stepped out: it stops counting as ahead of anyone at once and
   * its turn is skipped. Resuming before its turn came takes the same place back.
   */
  leave(eventId: string, ticketNo: number, now: number): Promise<void>;
  /** The shared per-event figures a node reads once per tick. */
  figures(eventId: string, now: number): Promise<QueueFigures>;
  /** Status of tickets whose turn may have come; called only for tickets at or behind the cursor. */
  admissionStatus(eventId: string, ticketNos: readonly number[], now: number): Promise<AdmissionStatus[]>;
  /** One admission step of the controller: never more than the limits allow. */
  admit(eventId: string, limits: AdmitLimits): Promise<AdmitResult>;
  setPaused(eventId: string, paused: boolean): Promise<void>;
  /** Take or renew the controller lease; true while `holder` holds it. */
  acquireLease(eventId: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  releaseLease(eventId: string, holder: string): Promise<void>;
}

export interface BookingRequest {
  eventId: string;
  grantId: string;
  ticketNo: number;
  /** Normalized identity hash: one booking per person per event. */
  personKey: string;
  centerId: string;
  slotId: string;
  /** The slot's capacity from config (the store counts what was taken). */
  slotCapacity: number;
  /** Reference to give the booking if this call creates it. */
  reference: string;
  /** Stored with the booking and returned on an idempotent repeat. */
  record: BookingRecord;
}

export interface BookingRecord {
  reference: string;
  eventId: string;
  ticketNo: number;
  centerId: string;
  slotId: string;
  name: string;
  birthDate: string;
  bookedAt: number;
}

export type CommitOutcome =
  | { kind: 'booked'; booking: BookingRecord }
  /** The same grant, person and slot again: the existing booking. */
  | { kind: 'repeated'; booking: BookingRecord }
  | { kind: 'grant_used' }
  /** The grant's ticket is no longer admitted (its holder left, or it was revoked). */
  | { kind: 'grant_revoked' }
  | { kind: 'already_booked' }
  | { kind: 'slot_full' };

export interface BookingStore {
  /** Atomically: consume the grant, take one unit of the slot, record the booking; or change nothing. */
  commit(request: BookingRequest): Promise<CommitOutcome>;
  /** Units taken per slot key `${centerId}/${slotId}`. */
  taken(eventId: string): Promise<Map<string, number>>;
  bookingCount(eventId: string): Promise<number>;
}

export interface Stores {
  queue: QueueStore;
  bookings: BookingStore;
  /** Liveness of the backing store (true for memory). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
