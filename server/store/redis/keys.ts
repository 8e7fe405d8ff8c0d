/**
 * Every Redis key name, and nothing else. All keys of one event sit inside one
 * hash tag (`${prefix}:{${eventId}}:<name>`), so the scripts that touch several
 * of them run on Redis Cluster too; Lua scripts receive these names in KEYS and
 * never build a key themselves.
 */
import { BUCKET_WIDTHS } from '../../../shared/queue/left-segments.js';

export interface EventKeys {
  /** Hash ticketNo → status (../ticket-status.ts). */
  status: string;
  /** Sorted set of away tickets, score = when they disconnected. */
  away: string;
  /** Sorted set of requeued tickets, score = ticket number. */
  requeued: string;
  /** Sorted set of granted, unused tickets, score = grant expiry. */
  active: string;
  /** Sorted set of waiting and requeued tickets, score = the NodeNumber holding its connection. */
  held: string;
  /** Hash NodeNumber → its last heartbeat (ms). */
  nodes: string;
  /** Sorted set of ticket-number runs skipped after restarts: member = last number, score = first. */
  gaps: string;
  /** Sorted set of numbers inside a gap whose holders came back (score = number). */
  reclaimed: string;
  /**
   * Sorted set of leavers not yet counted in the leaver buckets (score = ticket
   * number): pre-queue leavers, whose places are drawn at the opening.
   */
  deferred: string;
  /** Hash lane id → its lane number k (shared/queue/lanes.ts), given at the lane's first join (docs/decisions/031). */
  lanes: string;
  /** Hash lane code → "laneId uses expiresAt issuedAt". */
  laneCodes: string;
  /** Hash lane code → how many joins used it. */
  laneCodeUses: string;
  /** One hash per BUCKET_WIDTHS level: bucket index → leavers not yet passed (main line and lanes: their numbers never meet). */
  left: string[];
  /**
   * Hash: issued (highest ticket number), cursor, active and requeued (kept equal to
   * the sizes of those sets), paused, ratePerMinute, admittedTotal, tokens, tokensAt,
   * runId (the Redis run the state was last recovered for), restarts, once the
   * commitment to the draw (commitment, committedAt; commitSeed and commitNonce,
   * secret until the opening: docs/decisions/005), once the pre-queue is drawn
   * drawSize, drawSeed and drawNonce (shared/queue/draw.ts), the operators'
   * notice (noticeId, noticeText, noticeAt) and revocations (revokedSeq, and
   * revokedRecent: the latest revoked ticket numbers, space-separated, oldest first); for the priority lanes
   * lineCount (lanes numbered so far) and per lane k: Lkc cursor, Lki issued, Lkq requeued, Lka admitted, Lkk credit.
   */
  meta: string;
  /** String per device: "ticketNo secretHash issuedAt" of its place, expiring with its ticket. */
  device(deviceHash: string): string;
  /** String per redeemed proof-of-work challenge, expiring with it. */
  redeemedChallenge(challengeId: string): string;
  /** String per used identity assertion (hash of issuer and jti) → the grant id that used it, expiring with the assertion. */
  usedAssertion(assertionId: string): string;
  /** Hash: holder, until (the controller lease). */
  lease: string;
  /** Hash grantId → JSON [reference, fingerprint]. */
  usedGrants: string;
  /** Hash personKey → booking reference. */
  people: string;
  /** Hash `${centerId}/${slotId}` → units taken. */
  slotsTaken: string;
  /** Hash reference → JSON BookingRecord. */
  bookings: string;
}

/**
 * The one order in which every event script receives the event's keys: KEYS
 * is these, then the leaver buckets, then the per-call device key (if any).
 * scripts.ts generates the Lua `event_keys()` from it, so no script restates it.
 */
export const SCRIPT_KEY_ORDER = [
  'status',
  'away',
  'requeued',
  'active',
  'held',
  'nodes',
  'meta',
  'lease',
  'gaps',
  'reclaimed',
  'deferred',
  'usedGrants',
  'people',
  'slotsTaken',
  'bookings',
  'lanes',
  'laneCodes',
  'laneCodeUses',
] as const;

/** KEYS for an event script, in SCRIPT_KEY_ORDER. */
export function scriptKeys(k: EventKeys, device?: string): string[] {
  return [...SCRIPT_KEY_ORDER.map((name) => k[name]), ...k.left, ...(device === undefined ? [] : [device])];
}

/** Rejects names that would break the hash tag (an empty tag hashes the whole key). */
export function assertKeyPart(what: string, value: string): void {
  if (value === '' || /[{}]/.test(value)) throw new Error(`Redis ${what} must be non-empty and contain no braces: ${JSON.stringify(value)}`);
}

export function eventKey(prefix: string, eventId: string, name: string): string {
  return `${prefix}:{${eventId}}:${name}`;
}

export function eventKeys(prefix: string, eventId: string): EventKeys {
  assertKeyPart('event id', eventId);
  const key = (name: string) => eventKey(prefix, eventId, name);
  return {
    status: key('status'),
    away: key('away'),
    requeued: key('requeued'),
    active: key('active'),
    held: key('held'),
    nodes: key('nodes'),
    gaps: key('gaps'),
    reclaimed: key('reclaimed'),
    deferred: key('deferred'),
    lanes: key('lanes'),
    laneCodes: key('lane-codes'),
    laneCodeUses: key('lane-code-uses'),
    left: BUCKET_WIDTHS.map((width) => key(`left:${width}`)),
    meta: key('meta'),
    device: (deviceHash) => {
      assertKeyPart('device hash', deviceHash);
      return key(`device:${deviceHash}`);
    },
    redeemedChallenge: (challengeId) => {
      assertKeyPart('challenge id', challengeId);
      return key(`pow:${challengeId}`);
    },
    usedAssertion: (assertionId) => {
      assertKeyPart('assertion id', assertionId);
      return key(`identity:${assertionId}`);
    },
    lease: key('lease'),
    usedGrants: key('used-grants'),
    people: key('people'),
    slotsTaken: key('slots-taken'),
    bookings: key('bookings'),
  };
}

/** Sorted set of the console's history of one event (../types.ts HistorySample as JSON, score = its t): alone in its script, so outside SCRIPT_KEY_ORDER. */
export function historyKey(prefix: string, eventId: string): string {
  assertKeyPart('event id', eventId);
  return eventKey(prefix, eventId, 'history');
}

/** The recovery codes of one event (../recovery-types.ts), alone in their scripts, so outside SCRIPT_KEY_ORDER. */
export interface RecoveryKeys {
  /** Hash code id → "expiresAt ticketNo ticket box", or "used" once redeemed, until the last entry's ticket expires. */
  codes: string;
  /** Hash ticketNo → the id of its live code. */
  ofTicket: string;
  /** String: failed look-ups in one minute of the clock (index = ms / 60,000), expiring at the minute's end. */
  misses(minute: number): string;
}

export function recoveryKeys(prefix: string, eventId: string): RecoveryKeys {
  assertKeyPart('event id', eventId);
  const key = (name: string) => eventKey(prefix, eventId, name);
  return { codes: key('recovery'), ofTicket: key('recovery-of'), misses: (minute) => key(`recovery-misses:${minute}`) };
}

/** The turn notice keys of one event (../turn-notice-types.ts), in its hash tag: the claim script touches both at once. */
export interface TurnNoticeKeys {
  /** Hash ticketNo → the contact (JSON), expiring at the event's end. */
  contacts: string;
  /** String per ticket and notice kind: claimed, expiring at the event's end. */
  claim(kind: string, ticketNo: number): string;
}

export function turnNoticeKeys(prefix: string, eventId: string): TurnNoticeKeys {
  assertKeyPart('event id', eventId);
  return { contacts: eventKey(prefix, eventId, 'contacts'), claim: (kind, ticketNo) => eventKey(prefix, eventId, `notice:${kind}:${ticketNo}`) };
}

/** Hash of the live events document every process follows (../shared-events.ts): one per deployment, outside any event's hash tag. */
export function liveEventsKey(prefix: string): string {
  return `${prefix}:live-events`;
}

/** Keys of the deployment as a whole, outside any event (single-key commands only, so Redis Cluster needs no hash tag). */
export interface GlobalKeys {
  /** Hash NodeNumber → JSON { name, connections, at }: each gateway's report of itself. */
  presence: string;
  /** String: one operator session (JSON OperatorSessionRecord), under the hash of its id, expiring with it. */
  operatorSession(idHash: string): string;
  /**
   * Hash { failures, lockedUntil }: one sign-in counter (an account name's digest or a client address),
   * expiring forgetAfterMs after its last count. All in one hash tag: a sign-in script touches two at once.
   */
  signInCounter(which: 'account' | 'address', id: string): string;
  /** Stream of the audit trail, field `entry` = one AuditEntry's JSON, capped at the newest AUDIT_CAPACITY (one key: the trail is one order). */
  audit: string;
}

export function globalKeys(prefix: string): GlobalKeys {
  return {
    presence: `${prefix}:presence`,
    audit: `${prefix}:audit`,
    operatorSession: (idHash) => {
      assertKeyPart('session id hash', idHash);
      return `${prefix}:operator-session:${idHash}`;
    },
    signInCounter: (which, id) => {
      assertKeyPart(`sign-in ${which}`, id);
      return `${prefix}:{sign-in}:${which}:${id}`;
    },
  };
}
