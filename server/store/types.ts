/**
 * The two store contracts. The memory and Redis implementations both pass
 * test/store/store-contract.test.ts; nothing outside server/store/ knows which
 * one it talks to.
 *
 * Every method that changes state takes `now` from the caller's Clock, so both
 * implementations follow the same injected time.
 */
import type { Draw } from '../../shared/queue/draw.js';
import type { BucketLevel } from '../../shared/queue/left-segments.js';
import type { SharedEventsStore } from './shared-events.js';

/** What became of a ticket, as seen when its holder comes back. */
export type ReconnectOutcome =
  | { kind: 'waiting' }
  /** Its turn passed while it was away; it is now first in line for the next admission. */
  | { kind: 'requeued' }
  | { kind: 'admitted'; grantExpiresAt: number }
  | { kind: 'grant_expired' }
  | { kind: 'used' }
  | { kind: 'left' }
  /** An operator revoked it. */
  | { kind: 'revoked' }
  | { kind: 'unknown' };

/** A join carrying a device key (docs/protocol.md: one place per device). */
export interface DeviceJoin {
  /** base64url SHA-256 of the device key. */
  deviceHash: string;
  /** What the place is bound to: the gateway's deviceBinding() of the join's secret hash and possession key. */
  secretHash: string;
  /** The ticket's expiry: the device's record is kept until then. */
  expiresAt: number;
}

/** The device's place in an event: issued by this call (`fresh`) or held since an earlier join. */
export interface DevicePlace {
  ticketNo: number;
  /** The secret the place is bound to (the first join's). */
  secretHash: string;
  /** When the place's ticket was first issued (ms): a handed-over ticket keeps its expiry. */
  issuedAt: number;
  fresh: boolean;
}

/** What an operator's revocation of a ticket did. */
export type RevokeOutcome =
  /** Revoked now; `wasAdmitted`: it held a grant (unused), which no longer books. */
  | { kind: 'revoked'; wasAdmitted: boolean }
  | { kind: 'already_revoked' }
  /** Its grant was used for a booking: nothing to revoke. */
  | { kind: 'used' }
  /** It left and its turn passed, or it left after admission: nothing to revoke. */
  | { kind: 'finished' }
  | { kind: 'unknown' };

export type AdmissionStatus =
  | { kind: 'admitted'; grantExpiresAt: number }
  /** Its turn has not come (or it is queued for priority admission). */
  | { kind: 'pending' }
  /** Its turn passed while it was away. */
  | { kind: 'passed' }
  | { kind: 'finished' }
  | { kind: 'revoked' };

/** An operator's notice to an event's waiters; `text` '' means it was cleared. */
export interface Notice {
  /** Increases with every notice of the event. */
  id: number;
  text: string;
  at: number;
}

/** How many of the latest revocations the figures carry, for every node to close the holders of (server/gateway/revocations.ts). */
export const RECENT_REVOCATIONS = 64;

/**
 * Places in line and ticket numbers differ only inside the pre-queue: tickets
 * issued before the opening are placed by the draw made at the opening
 * (shared/queue/draw.ts, docs/decisions/005). The cursor, the leaver counts and
 * the requeue order are in places; everything else is keyed by ticket number.
 */
export interface QueueFigures {
  /** Every place ≤ cursor has had its turn. */
  cursor: number;
  /** Highest ticket number issued (= the last place). */
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
  /** The pre-queue draw, made at the opening; null before it. */
  draw: Draw | null;
  /** Leaver counts (by place) for segmentLayout(cursor, issued), span by span. */
  left: { level: BucketLevel; firstBucket: number; counts: number[] }[];
  /** The operators' latest notice; null when none was ever sent. */
  notice: Notice | null;
  /**
   * Revocations: `seq` counts every one ever made in the event, `recent` lists
   * the ticket numbers of the last RECENT_REVOCATIONS of them, oldest first.
   */
  revoked: { seq: number; recent: number[] };
}

/** A gateway process as it last reported itself (once per tick). */
export interface NodePresence {
  node: NodeNumber;
  /** Its configured nodeId. */
  name: string;
  connections: number;
  lastSeenAt: number;
}

/**
 * A gateway process as the store knows it: a random integer (below 2^48) drawn
 * once per process start, so a restarted process never inherits a dead one's
 * tickets. Each waiting ticket records the node that holds its connection.
 */
export type NodeNumber = number;

/** One step of an event's admission controller. */
export interface AdmitStep {
  now: number;
  /** Who takes or renews the event's lease with this step. */
  holder: string;
  leaseMs: number;
  /** A node whose heartbeat (see figures) is older than this is dead: its waiters turn away as of that heartbeat. */
  nodeTimeoutMs: number;
  /**
   * False while heartbeats cannot be trusted: the controller itself could not
   * reach the store within the last nodeTimeoutMs (every node's heartbeat is
   * stale after an outage, though the nodes are alive), or it just started.
   */
  reapDeadNodes: boolean;
  /** False before the opening and after closing: nobody is admitted and the cursor stands still, as when paused. */
  admitting: boolean;
  /** The event's opening: a step at or after it draws the pre-queue if nobody has yet. */
  opensAt: number;
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

export type AdmitResult = { leader: false } | AdmitStepResult;

export interface AdmitStepResult {
  /** This holder holds the lease until now + leaseMs. */
  leader: true;
  /** Tickets admitted by this call, in order, with their grant expiry. */
  admitted: { ticketNo: number; grantExpiresAt: number }[];
  cursor: number;
  active: number;
  /** Tickets whose turn passed because their holder was away or had left. */
  skipped: number;
  /** Someone was still waiting when this step ended (the limits, not demand, bound it). */
  backlogged: boolean;
  /** Waiting tickets of dead nodes turned away by this step. */
  reaped: number;
}

export interface QueueStore {
  /**
   * Issues `count` consecutive ticket numbers (the joins that arrived together
   * at `node`); returns the first. Numbers never repeat, not even across a
   * Redis restart that lost its last writes (docs/decisions/004). At or after
   * `opensAt` the pre-queue is drawn first (if nobody has yet), so these
   * tickets queue behind all of it.
   */
  joinBatch(eventId: string, count: number, now: number, node: NodeNumber, opensAt: number): Promise<number>;
  /**
   * Atomically: the place the device already holds in the event, or else one
   * new ticket issued for it (as joinBatch would) and recorded for the device
   * until `join.expiresAt`. Concurrent joins of one device get one place.
   */
  joinDevice(eventId: string, join: DeviceJoin, now: number, node: NodeNumber, opensAt: number): Promise<DevicePlace>;
  /** Forgets the device's place if it is still `ticketNo` (that ticket left or is gone), so its next join gets a new one. */
  releaseDevice(eventId: string, deviceHash: string, ticketNo: number): Promise<void>;
  /**
   * Marks a proof-of-work challenge redeemed, remembered until `expiresAt`
   * (when the challenge itself expires). False if it already was: single use
   * across every gateway.
   */
  redeemChallenge(eventId: string, challengeId: string, expiresAt: number, now: number): Promise<boolean>;
  /** Its holder connected again, now at `node` (any node). */
  reconnect(eventId: string, ticketNo: number, now: number, node: NodeNumber): Promise<ReconnectOutcome>;
  /**
   * Their holders disconnected from `node`; they keep their place for the
   * grace period, then count as left. Tickets another node holds by now (their
   * holder already came back there) are left alone.
   */
  disconnect(eventId: string, ticketNos: readonly number[], now: number, node: NodeNumber): Promise<void>;
  /**
   * The holder stepped out: it stops counting as ahead of anyone at once and
   * its turn is skipped. Resuming before its turn came takes the same place back.
   */
  leave(eventId: string, ticketNo: number, now: number): Promise<void>;
  /** The shared per-event figures a node reads once per tick; also records that `node` is alive (its heartbeat). */
  figures(eventId: string, now: number, node: NodeNumber): Promise<QueueFigures>;
  /** Status of tickets whose turn may have come; called only for tickets placed at or behind the cursor. */
  admissionStatus(eventId: string, ticketNos: readonly number[], now: number): Promise<AdmissionStatus[]>;
  /**
   * Read only: whether a signed grant of this ticket may still book (false once it left, finished, was
   * used or was revoked; a ticket whose admission a restart lost books). Asked before a booking that
   * another store commits (PostgreSQL, docs/decisions/017).
   */
  mayBook(eventId: string, ticketNo: number): Promise<boolean>;
  /**
   * The queue side of a booking another store committed: marks the ticket used and frees its active
   * place (or away, requeued entry). Idempotent: true only for the call that changed it; a ticket already
   * used, or one that left, finished or was revoked, is left as it is.
   */
  releaseBooked(eventId: string, ticketNo: number): Promise<boolean>;
  /**
   * One step of the event's controller, atomically: take or renew the lease
   * (another holder's unexpired lease ends the step: `{ leader: false }`), turn
   * dead nodes' waiters away, then admit — never more than the limits allow.
   */
  admit(eventId: string, step: AdmitStep): Promise<AdmitResult>;
  setPaused(eventId: string, paused: boolean): Promise<void>;
  /** Replaces the event's notice ('' clears it); every node broadcasts it at its next tick. */
  setNotice(eventId: string, text: string, now: number): Promise<Notice>;
  /**
   * An operator's revocation: a waiting ticket (connected, away, left, passed
   * or requeued) or an admitted one stops for good. It stops counting as ahead
   * of anyone, is never admitted, cannot resume, and its grant books nothing.
   */
  revoke(eventId: string, ticketNo: number, now: number): Promise<RevokeOutcome>;
  /** A gateway's report of itself, once per tick (not per event). */
  recordPresence(node: NodeNumber, presence: { name: string; connections: number }, now: number): Promise<void>;
  /** Every node's last report. */
  presence(): Promise<NodePresence[]>;
  /** Drops the reports of these nodes (gone for long). */
  forgetPresence(nodes: readonly NodeNumber[]): Promise<void>;
  /** Gives the lease up (a stopping controller), so another takes over at its next step. */
  releaseLease(eventId: string, holder: string): Promise<void>;
}

/** Where the seed of each event's draw comes from: a uniformly random unsigned 32-bit integer (tests fix it). */
export type DrawSeeds = () => number;

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
  /**
   * Atomically: binds an identity assertion (`assertionId`, a hash of its issuer
   * and jti) to `grantId` until `expiresAt`. True when it was unbound or already
   * bound to this grant (a repeated booking request); false when another grant
   * used it: a replay (docs/decisions/010-identity-assertion.md).
   */
  claimAssertion(eventId: string, assertionId: string, grantId: string, expiresAt: number, now: number): Promise<boolean>;
}

/** A signed-in operator's session, stored under a hash of its id (the id itself is only in the operator's cookie). */
export interface OperatorSessionRecord {
  name: string;
  role: string;
  expiresAt: number;
}

/**
 * Operator sessions, shared by every gateway of a deployment. `get` answers
 * null for a missing or expired session, judged by the caller's `now`; Redis
 * also drops a session by itself once it expires.
 */
export interface OperatorSessionStore {
  put(idHash: string, record: OperatorSessionRecord, now: number): Promise<void>;
  get(idHash: string, now: number): Promise<OperatorSessionRecord | null>;
  delete(idHash: string): Promise<void>;
}

/** How one sign-in counter turns failed passwords into lockouts (config admin.signInThrottle). */
export interface LockoutPolicy {
  /** Failures counted before the first lockout. */
  freeFailures: number;
  /** The lockout that failure freeFailures + 1 starts; each further failure doubles it, up to maxLockoutMs. */
  firstLockoutMs: number;
  maxLockoutMs: number;
  /** A counter is forgotten this long after its last counted attempt (at least maxLockoutMs). */
  forgetAfterMs: number;
}

/** The two counters a sign-in attempt counts against: a digest of the account name as given, and the client address. */
export interface SignInCounters {
  account: string;
  address: string;
}

export interface SignInCounterState {
  failures: number;
  /** When its lockout ends (ms); at or before `now` when it is not locked. */
  lockedUntil: number;
}

export type SignInAdmission =
  /** Check the password. The attempt is already counted as a failure on both counters (`succeeded` takes it back). */
  | { ok: true; account: SignInCounterState; address: SignInCounterState }
  /** A counter is locked: check nothing, retry at `retryAt`; nothing was counted. */
  | { ok: false; retryAt: number; lockedBy: keyof SignInCounters };

/**
 * Failed operator sign-ins, shared by every gateway of a deployment, so that
 * guesses spread over gateways add up. An attempt is counted before its
 * password is checked (atomically with the lockout check), so concurrent
 * guesses cannot all slip in before the first failure is recorded.
 */
export interface SignInThrottleStore {
  admit(counters: SignInCounters, policies: Record<keyof SignInCounters, LockoutPolicy>, now: number): Promise<SignInAdmission>;
  /** The admitted attempt's password was right: the account's counter is forgotten, the address's attempt taken back (its lockout, if any, stays). */
  succeeded(counters: SignInCounters, now: number): Promise<void>;
}

/** One audit entry as stored: JSON of shared/http/audit.ts's AuditEntry (server/operators/audit-log.ts writes it). */
export interface StoredAuditEntry {
  /** Opaque, increasing in the order of appends: the cursor that pages past this entry. */
  id: string;
  json: string;
}

/** A page of the audit trail, newest first; `next` reads the page after it (null: the page was not full, nothing is older). */
export interface AuditPage {
  entries: StoredAuditEntry[];
  next: string | null;
}

/**
 * The audit trail of operator actions, one per deployment, so any gateway
 * lists what was done on every other. Bounded: only the newest `capacity`
 * entries are kept (the store's constructor option, AUDIT_CAPACITY by default).
 */
export interface AuditStore {
  append(json: string): Promise<void>;
  /** The newest `limit` entries older than `before` (a `next` or an entry's id; absent: the newest). */
  page(limit: number, before?: string): Promise<AuditPage>;
}

/** Entries the audit trail keeps by default (about 3 MB at a typical 300 bytes each). */
export const AUDIT_CAPACITY = 10_000;

/**
 * One sample of an event's figures for the console's charts, deployment-wide
 * values all: any gateway that ticks the event reads the same figures.
 */
export interface HistorySample {
  /** When it was taken (ms), on a multiple of the sampling step. */
  t: number;
  waiting: number;
  admittedTotal: number;
  active: number;
  bookings: number;
  /** Connections by gateway node name, of the nodes alive at the sample. */
  connections: Record<string, number>;
}

/**
 * The console's history, per event, shared by every gateway: each samples on
 * the same grid (multiples of the step), the first to write a point wins and
 * later writers of that point (or of an older one) change nothing, so one
 * sample per point is kept however many gateways there are. Samples older
 * than `keepMs` are dropped when the next one is written, and an event's
 * whole history `keepMs` after its last sample.
 */
export interface HistoryStore {
  /** True when the sample was kept; false when one at or after `sample.t` is already there. */
  append(eventId: string, sample: HistorySample, keepMs: number): Promise<boolean>;
  /** The event's samples taken at or after `since`, oldest first. */
  read(eventId: string, since: number): Promise<HistorySample[]>;
}

export interface Stores {
  queue: QueueStore;
  bookings: BookingStore;
  sessions: OperatorSessionStore;
  signInThrottle: SignInThrottleStore;
  /** The live events document the processes of a deployment share (./shared-events.ts). */
  events: SharedEventsStore;
  audit: AuditStore;
  history: HistoryStore;
  /** Liveness of the backing store (true for memory). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
