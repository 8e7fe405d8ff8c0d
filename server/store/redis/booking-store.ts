/**
 * Bookings in Redis: one commit-booking.lua call per commit makes it atomic.
 * With a ReplicationBarrier, a booking (new or repeated) is confirmed only once
 * its master's replicas have it; otherwise it stays, unconfirmed, and the same
 * request again returns it (docs/decisions/027-replicated-before-confirmed.md).
 */
import { bookingFingerprint, slotKey } from '../booking-fingerprint.js';
import type { BookingRequest, BookingStore, CommitOutcome } from '../types.js';
import type { RedisConnection } from './client.js';
import { eventKeys, scriptKeys } from './keys.js';
import { commitOutcome } from './outcomes.js';
import type { ReplicationBarrier } from './replication-barrier.js';
import type { Scripts } from './scripts.js';

export class RedisBookingStore implements BookingStore {
  /**
   * `client` reads; `scripts` write (commits and identity claims), on the connection `replication` waits on when
   * there is one: never blocked behind a WAIT, the reads (availability) stay quick while a replica is away.
   */
  constructor(
    private readonly client: RedisConnection,
    private readonly scripts: Scripts,
    private readonly prefix: string,
    private readonly replication: ReplicationBarrier | null = null,
  ) {}

  async commit(request: BookingRequest): Promise<CommitOutcome> {
    const k = eventKeys(this.prefix, request.eventId);
    const reply = await this.scripts.run('commit-booking', scriptKeys(k), [
      request.grantId,
      request.ticketNo,
      request.personKey,
      slotKey(request.centerId, request.slotId),
      request.slotCapacity,
      request.reference,
      bookingFingerprint(request.personKey, request.centerId, request.slotId),
      JSON.stringify(request.record),
    ]);
    const outcome = commitOutcome(reply, request);
    if (!this.replication || (outcome.kind !== 'booked' && outcome.kind !== 'repeated')) return outcome;
    // A refusal promises nothing; a confirmation must outlive a failover. The grant's used record, the person's
    // booking and the slot count were written together above, and the identity claim before them on this connection.
    return (await this.replication.reached(k.usedGrants)) ? outcome : { kind: 'not_replicated' };
  }

  async claimAssertion(eventId: string, assertionId: string, grantId: string, expiresAt: number, now: number): Promise<boolean> {
    const key = eventKeys(this.prefix, eventId).usedAssertion(assertionId);
    return Number(await this.scripts.run('assertion-claim', [key], [grantId, Math.max(1, expiresAt - now)])) === 1;
  }

  async taken(eventId: string): Promise<Map<string, number>> {
    const counts = await this.client.hGetAll(eventKeys(this.prefix, eventId).slotsTaken);
    return new Map(Object.entries(counts).map(([slot, count]) => [slot, Number(count)]));
  }

  async bookingCount(eventId: string): Promise<number> {
    return this.client.hLen(eventKeys(this.prefix, eventId).bookings);
  }
}
