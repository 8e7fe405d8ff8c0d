/** Bookings in process memory; one synchronous step per commit makes it atomic. */
import { stillBooks } from '../ticket-status.js';
import { bookingFingerprint, slotKey } from '../booking-fingerprint.js';
import type { BookingRequest, BookingStore, CommitOutcome } from '../types.js';
import { markUsed, type MemoryEvents } from './event-state.js';
import { ExpiringMap } from './expiring-map.js';

export class MemoryBookingStore implements BookingStore {
  /** `${eventId} ${assertionId}` → the grant id that used it. */
  private readonly assertions = new ExpiringMap<string>();

  constructor(private readonly events: MemoryEvents) {}

  async claimAssertion(eventId: string, assertionId: string, grantId: string, expiresAt: number, now: number): Promise<boolean> {
    const key = `${eventId} ${assertionId}`;
    const holder = this.assertions.get(key, now);
    if (holder !== undefined) return holder === grantId;
    this.assertions.set(key, grantId, expiresAt, now);
    return true;
  }

  async commit(request: BookingRequest): Promise<CommitOutcome> {
    const state = this.events.get(request.eventId);
    const fingerprint = bookingFingerprint(request.personKey, request.centerId, request.slotId);
    const used = state.usedGrants.get(request.grantId);
    if (used) {
      return used.fingerprint === fingerprint ? { kind: 'repeated', booking: state.bookings.get(used.reference)! } : { kind: 'grant_used' };
    }
    // The grant is signed, so its ticket was admitted; only a holder who left since (or was revoked) is refused
    // (a Redis restart can lose an admission, see commit-booking.lua; memory never restarts).
    if (!stillBooks(state.status.get(request.ticketNo))) return { kind: 'grant_revoked' };
    if (state.people.has(request.personKey)) return { kind: 'already_booked' };
    const slot = slotKey(request.centerId, request.slotId);
    const taken = state.slotsTaken.get(slot) ?? 0;
    if (taken >= request.slotCapacity) return { kind: 'slot_full' };

    state.slotsTaken.set(slot, taken + 1);
    state.usedGrants.set(request.grantId, { reference: request.reference, fingerprint });
    state.people.set(request.personKey, request.reference);
    state.bookings.set(request.reference, request.record);
    markUsed(state, request.ticketNo);
    return { kind: 'booked', booking: request.record };
  }

  async taken(eventId: string): Promise<Map<string, number>> {
    return new Map(this.events.get(eventId).slotsTaken);
  }

  async bookingCount(eventId: string): Promise<number> {
    return this.events.get(eventId).bookings.size;
  }
}
