/**
 * The reservation handler's decisions, free of HTTP: verify the grant, then
 * commit in one atomic store step. Nothing is written unless every check passed.
 */
import { randomBytes } from 'node:crypto';
import { GRANT_REFUSALS, WRONG_SECRET, secretMatches, wrongEvent } from '../../packages/grant/src/index.js';
import { BookingBody, type AvailabilityResponse, type BookingErrorCode, type BookingResponse } from '../../shared/booking/api.js';
import { verifyGrant, type GrantKeyLookup, type GrantPublicKeys } from '../../shared/tokens/grant.js';
import type { Clock } from '../clock.js';
import type { EventConfig } from '../config/event-schema.js';
import type { BookingStore, CommitOutcome } from '../store/types.js';
import { bookingDecision } from '../events/eligibility.js';
import { availabilityOf } from './availability.js';
import { IdentityVerifier, type VerifiedIdentity } from './identity-assertion.js';
import { assertionId, personKey, verifiedPersonKey } from './person-key.js';
import { checkName } from './person-name.js';

export type ServiceResult<T> = { ok: true; status: number; value: T } | { ok: false; code: BookingErrorCode; message: string };

const COMMIT_REFUSALS: Partial<Record<CommitOutcome['kind'], [BookingErrorCode, string]>> = {
  grant_used: ['GRANT_USED', 'this grant was already used for another booking'],
  grant_revoked: ['GRANT_REVOKED', 'this grant is no longer valid'],
  already_booked: ['ALREADY_BOOKED', 'this person has already booked for this event'],
  slot_full: ['SLOT_FULL', 'this slot is full; choose another'],
  not_replicated: [
    'BOOKING_NOT_REPLICATED',
    'the booking is not confirmed yet: it could not be replicated in time; send the same request again to get its confirmation (it cannot book twice)',
  ],
};

const NAME_REFUSALS = { empty: 'NAME_EMPTY', mixed_scripts: 'NAME_MIXED_SCRIPTS' } as const satisfies Record<string, BookingErrorCode>;

function fail<T>(code: BookingErrorCode, message: string): ServiceResult<T> {
  return { ok: false, code, message };
}

/** A booking reference people can read out: WR- and 10 base32 characters. */
function newReference(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return `WR-${[...randomBytes(10)].map((b) => alphabet[b % 32]).join('')}`;
}

export class BookingService {
  constructor(
    private readonly store: BookingStore,
    private publicKeys: GrantPublicKeys | GrantKeyLookup,
    private readonly clock: Clock,
    private readonly events: () => readonly EventConfig[],
    private readonly identities = new IdentityVerifier(),
  ) {}

  /** Key rotation (server/config/live-keys.ts): grants are verified against the new key ring from now on. */
  useKeys(publicKeys: GrantPublicKeys | GrantKeyLookup): void {
    this.publicKeys = publicKeys;
  }

  private event(eventId: string): EventConfig | undefined {
    return this.events().find((event) => event.id === eventId);
  }

  async book(eventId: string, input: unknown): Promise<ServiceResult<BookingResponse>> {
    if (typeof input !== 'object' || input === null || !('grant' in input) || !input.grant) {
      return fail('GRANT_MISSING', 'a booking needs the grant received when admitted');
    }
    const parsed = BookingBody.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail('INVALID_BODY', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
    }
    const body = parsed.data;
    const now = this.clock.now();
    const verified = await verifyGrant(body.grant, this.publicKeys, now);
    if (!verified.ok) return fail(GRANT_REFUSALS[verified.failure].code, GRANT_REFUSALS[verified.failure].message);
    const { claims } = verified;
    if (claims.e !== eventId) return fail(wrongEvent(claims.e).code, wrongEvent(claims.e).message);
    const event = this.event(eventId);
    if (!event) return fail('UNKNOWN_EVENT', `no event "${eventId}"`);
    if (!(await secretMatches(body.secret, claims.sh))) return fail(WRONG_SECRET.code, WRONG_SECRET.message);
    const identity = await this.verifiedIdentity(event, body.identityToken, claims.gid, now);
    if (!identity.ok) return identity;
    // Authoritative: the person's cohort must be open now, by this server's clock and the live config.
    const name = checkName(body.person.name);
    if (!name.ok) return fail(NAME_REFUSALS[name.reason], name.message);
    const eligible = bookingDecision(event, body.person.birthDate, now);
    if (!eligible.ok) return fail(eligible.code, eligible.message);
    const slot = event.centers.find((c) => c.id === body.centerId)?.slots.find((s) => s.id === body.slotId);
    if (!slot) return fail('UNKNOWN_SLOT', `no slot "${body.slotId}" at center "${body.centerId}"`);

    const person = identity.value;
    if (person) {
      const fresh = await this.store.claimAssertion(eventId, assertionId(person.issuer, person.jti), claims.gid, person.acceptedUntil, now);
      if (!fresh) return fail('IDENTITY_REPLAYED', 'this identity assertion (its jti) was already used with another booking pass; get a new one');
    }
    const reference = newReference();
    const outcome = await this.store.commit({
      eventId,
      grantId: claims.gid,
      ticketNo: claims.n,
      personKey: person ? verifiedPersonKey(person.issuer, person.person) : personKey(body.person.name, body.person.birthDate),
      centerId: body.centerId,
      slotId: body.slotId,
      slotCapacity: slot.capacity,
      reference,
      record: {
        reference,
        eventId,
        ticketNo: claims.n,
        centerId: body.centerId,
        slotId: body.slotId,
        name: body.person.name,
        birthDate: body.person.birthDate,
        bookedAt: now,
      },
    });
    if (outcome.kind === 'booked') return { ok: true, status: 201, value: { booking: outcome.booking, repeated: false } };
    if (outcome.kind === 'repeated') return { ok: true, status: 200, value: { booking: outcome.booking, repeated: true } };
    return fail(...COMMIT_REFUSALS[outcome.kind]!);
  }

  /** The person the event's identity provider vouches for; null when the event takes typed names. */
  private async verifiedIdentity(event: EventConfig, token: string | undefined, grantId: string, now: number): Promise<ServiceResult<VerifiedIdentity | null>> {
    if (!event.identity) return { ok: true, status: 200, value: null };
    if (token === undefined) return fail('IDENTITY_REQUIRED', 'this event needs an identity assertion from its identity provider (identityToken)');
    const checked = await this.identities.verify(event.identity, token, grantId, now);
    return checked.ok ? { ok: true, status: 200, value: checked.identity } : fail(checked.code, checked.message);
  }

  async availability(eventId: string): Promise<ServiceResult<AvailabilityResponse>> {
    const event = this.event(eventId);
    if (!event) return fail('UNKNOWN_EVENT', `no event "${eventId}"`);
    return { ok: true, status: 200, value: availabilityOf(event, await this.store.taken(eventId)) };
  }
}
