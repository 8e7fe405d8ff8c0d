/**
 * The store contracts: the queue here, the bookings in ./booking-types.ts, the operators' sessions,
 * sign-in throttle, audit trail and history in ./operator-types.ts, and what a deployment opens (Stores).
 * Every implementation passes its contract suite (test/store/store-contract*.test.ts); nothing outside
 * server/store/ knows which one it talks to.
 *
 * Every method that changes state takes `now` from the caller's Clock, so both
 * implementations follow the same injected time.
 */
import type { Draw } from '../../shared/queue/draw.js';
import type { BucketLevel } from '../../shared/queue/left-segments.js';
import type { BookingStore } from './booking-types.js';
import type { LaneFigures, LaneShare, LaneStore } from './lane-types.js';
import type { AuditStore, HistoryStore, OperatorSessionStore, SignInThrottleStore } from './operator-types.js';
import type { RecoveryStore } from './recovery-types.js';
import type { SharedEventsStore } from './shared-events.js';
import type { TurnNoticeStore } from './turn-notice-types.js';

// The booking contract and the operators' records have files of their own; importers keep importing from here.
export * from './booking-types.js';
export * from './operator-types.js';
export * from './recovery-types.js';
export * from './lane-types.js';
export * from './turn-notice-types.js';

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
  /** The notice in Korean, or in every language when the operator gave one text. */
  text: string;
  /** The notice in English; null: English readers see `text` too. */
  en: string | null;
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
  /**
   * The commitment to the draw's seed (docs/decisions/005, "Verifiable draw"), fixed by the event's first join or
   * controller step; `nonce` is revealed with the draw (null before it). Null until then.
   */
  drawCommitment: { hash: string; at: number; nonce: string | null } | null;
  /** Leaver counts (by place) for segmentLayout(cursor, issued), span by span. */
  left: { level: BucketLevel; firstBucket: number; counts: number[] }[];
  /** The operators' latest notice; null when none was ever sent. */
  notice: Notice | null;
  /**
   * Revocations: `seq` counts every one ever made in the event, `recent` lists
   * the ticket numbers of the last RECENT_REVOCATIONS of them, oldest first.
   */
  revoked: { seq: number; recent: number[] };
  /** The event's priority lanes that anyone joined, by lane number (docs/decisions/031). */
  lanes: LaneFigures[];
}

/** The figures of an event nobody has joined yet. */
export const NO_FIGURES: Readonly<QueueFigures> = {
  cursor: 0,
  issued: 0,
  active: 0,
  requeued: 0,
  paused: false,
  ratePerMinute: 0,
  admittedTotal: 0,
  draw: null,
  drawCommitment: null,
  left: [],
  notice: null,
  revoked: { seq: 0, recent: [] },
  lanes: [],
};

/** A gateway process as it last reported itself (once per tick). */
export interface NodePresence {
  node: NodeNumber;
  /** Its configured nodeId. */
  name: string;
  connections: number;
  lastSeenAt: number;
  /** Present while the node drains (SIGTERM): its clients are moving to the others (decision 028). */
  draining?: true;
}

/** What a gateway reports of itself once per tick. */
export interface PresenceReport {
  name: string;
  connections: number;
  draining?: true;
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
  /** The event's priority lanes and their shares of the admissions (none: the main line only). */
  lanes?: readonly LaneShare[];
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

export interface QueueStore extends LaneStore {
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
  setNotice(eventId: string, text: string, now: number, en?: string | null): Promise<Notice>;
  /**
   * An operator's revocation: a waiting ticket (connected, away, left, passed
   * or requeued) or an admitted one stops for good. It stops counting as ahead
   * of anyone, is never admitted, cannot resume, and its grant books nothing.
   */
  revoke(eventId: string, ticketNo: number, now: number): Promise<RevokeOutcome>;
  /** A gateway's report of itself, once per tick (not per event). */
  recordPresence(node: NodeNumber, presence: PresenceReport, now: number): Promise<void>;
  /** Every node's last report. */
  presence(): Promise<NodePresence[]>;
  /** Drops the reports of these nodes (gone for long). */
  forgetPresence(nodes: readonly NodeNumber[]): Promise<void>;
  /** Gives the lease up (a stopping controller), so another takes over at its next step. */
  releaseLease(eventId: string, holder: string): Promise<void>;
}

/** Where the seed of each event's draw comes from: a uniformly random unsigned 32-bit integer (tests fix it). */
export type DrawSeeds = () => number;

export interface Stores {
  queue: QueueStore;
  bookings: BookingStore;
  sessions: OperatorSessionStore;
  signInThrottle: SignInThrottleStore;
  /** The live events document the processes of a deployment share (./shared-events.ts). */
  events: SharedEventsStore;
  audit: AuditStore;
  history: HistoryStore;
  /** Recovery codes (decision 030). */
  recovery: RecoveryStore;
  /** Contacts for turn notices and their once-per-ticket claims (./turn-notice-types.ts). */
  turnNotices: TurnNoticeStore;
  /** Liveness of the backing store, every part of it (true for memory). */
  ping(): Promise<boolean>;
  /** Which parts answer now, and so which events can be served (decision 026). */
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/** The store as one check saw it: each Redis shard (none for memory), and whether an event can be served. */
export interface StoreHealth {
  /** Each Redis shard by its master's `host:port`. */
  shards: readonly { shard: string; up: boolean }[];
  /** True when everything the event's joins, ticks, admissions and bookings need answered: its shard (and the bookings database, when there is one). */
  serves(eventId: string): boolean;
}
