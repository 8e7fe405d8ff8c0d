/**
 * The booking store contract (memory, Redis and PostgreSQL pass test/store/store-contract-bookings.test.ts):
 * a grant books once, a slot never takes more than its capacity, one booking per person per event.
 */
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
  | { kind: 'slot_full' }
  /**
   * Written, but not confirmed on the replicas a failover could promote (Redis with store.bookingReplicas) in time:
   * not a confirmation. The booking stays; the same request again returns it once replicated (decision 027).
   */
  | { kind: 'not_replicated' };

export interface BookingStore {
  /** Atomically: consume the grant, take one unit of the slot, record the booking; or change nothing. */
  commit(request: BookingRequest): Promise<CommitOutcome>;
  /** Units taken per slot key `${centerId}/${slotId}`. */
  taken(eventId: string): Promise<Map<string, number>>;
  bookingCount(eventId: string): Promise<number>;
  /**
   * Atomically: binds an identity assertion (`assertionId`, a hash of its issuer
   * and jti) to `grantId` until `expiresAt`. True when it was unbound or already
   * bound to this grant (a repeated booking request); false when another grant
   * used it: a replay (docs/decisions/010-identity-assertion.md).
   */
  claimAssertion(eventId: string, assertionId: string, grantId: string, expiresAt: number, now: number): Promise<boolean>;
}
