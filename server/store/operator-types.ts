/**
 * What the store keeps for operators and the console: sessions, the sign-in throttle, the audit trail and
 * the history samples (memory and Redis pass test/store/store-contract-{operators,sign-in,console-records}.test.ts).
 */
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
