/**
 * What the client does after each refusal or terminal close (docs/protocol.md
 * §7–8), as pure functions so the policy is tested on its own.
 */
import { CloseCode, ErrorCode } from '../../shared/protocol/codes.js';
import type { ErrorMessage } from '../../shared/protocol/messages.js';
import type { CloseErrorCode, ErrorOutcome } from './events.js';

/** Resume failures after which the old place is gone: join afresh at the end. */
const START_OVER: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.TICKET_EXPIRED,
  ErrorCode.TICKET_INVALID,
  ErrorCode.TICKET_UNKNOWN,
  ErrorCode.TICKET_WRONG_EVENT,
  ErrorCode.TICKET_LEFT,
  // The stored secret does not prove the stored ticket (damaged storage): that place cannot be taken back.
  ErrorCode.TICKET_PROOF_INVALID,
]);

/** The place is over for good; a person decides what next (e.g. join again). */
const STOP: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.TICKET_USED,
  ErrorCode.GRANT_EXPIRED,
  ErrorCode.TICKET_REVOKED,
  ErrorCode.EVENT_CLOSED,
  ErrorCode.UNKNOWN_EVENT,
  ErrorCode.COHORT_CLOSED,
]);

/** The device's earlier place is over (the server answers a device's join with it, §3.1.1). */
const PLACE_ENDED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.TICKET_USED,
  ErrorCode.GRANT_EXPIRED,
  ErrorCode.TICKET_REVOKED,
  // The device's place is bound to keys this join cannot prove: a new device key joins anew.
  ErrorCode.TICKET_PROOF_INVALID,
]);

/** Refusals that name a time from which the same join will be accepted. */
const NOT_YET: ReadonlySet<ErrorCode> = new Set<ErrorCode>([ErrorCode.EVENT_NOT_OPEN_YET, ErrorCode.COHORT_NOT_OPEN_YET]);

const BIRTH_DATE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([ErrorCode.BIRTH_DATE_REQUIRED, ErrorCode.NOT_ELIGIBLE]);

/** Proof-of-work refusals: each carries a fresh challenge to solve (§3.1.2). */
export const POW_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.POW_REQUIRED,
  ErrorCode.POW_INVALID,
  ErrorCode.POW_EXPIRED,
  ErrorCode.POW_REUSED,
]);

/** Challenges solved in a row without a place before the client gives up (a broken solver must not spin). */
export const MAX_POW_ATTEMPTS = 5;

/** A priority-lane code that cannot be used: the person still joins, in the main line. */
const LANE_CODE_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([ErrorCode.LANE_CODE_UNKNOWN, ErrorCode.LANE_CODE_EXPIRED, ErrorCode.LANE_CODE_USED_UP]);

export interface ErrorContext {
  /** The error answers the join or resume in flight (same rid). */
  answersRequest: boolean;
  /** The client can ask for a birth date (the birthDate option is set). */
  canAskBirthDate: boolean;
  /** Storage holds a ticket for the event (another tab's, after DEVICE_HAS_PLACE). */
  hasStoredTicket?: boolean;
  /** The error answers a join carrying a device key that has not been renewed since (not a resume). */
  answersDeviceJoin?: boolean;
  /** Proof-of-work challenges already solved for this join without getting a place. */
  powAttempts?: number;
}

export function outcomeOf(
  error: Pick<ErrorMessage, 'code' | 'retryable' | 'retryAt' | 'challenge'>,
  { answersRequest, canAskBirthDate, hasStoredTicket = false, answersDeviceJoin = false, powAttempts = 0 }: ErrorContext,
): ErrorOutcome {
  // A join (nothing stored: a person chose to join) answered with the end of the device's earlier place: a new key joins anew.
  if (PLACE_ENDED.has(error.code) && answersRequest && answersDeviceJoin) return 'renewing';
  if (POW_REFUSALS.has(error.code) && answersRequest) return error.challenge && powAttempts < MAX_POW_ATTEMPTS ? 'solving' : 'stopped';
  // Another tab of this device holds the place: take it over; with no ticket stored, another browser profile holds it.
  if (error.code === ErrorCode.DEVICE_HAS_PLACE && answersRequest) return hasStoredTicket ? 'resuming' : 'stopped';
  if (LANE_CODE_REFUSALS.has(error.code) && answersRequest) return 'main-line';
  if (START_OVER.has(error.code)) return 'rejoining';
  if (STOP.has(error.code)) return 'stopped';
  if (NOT_YET.has(error.code) && error.retryAt !== undefined && answersRequest) return 'retrying';
  if (BIRTH_DATE.has(error.code) && answersRequest) return canAskBirthDate ? 'needs-birth-date' : 'stopped';
  if (error.retryable && answersRequest) return 'retrying';
  return 'info';
}

/** A random wait before retrying a request the server could not serve now (2–10 s). */
export function retryDelay(error: Pick<ErrorMessage, 'retryAt'>, now: number, random: () => number = Math.random): number {
  // A crowd waiting for a window's opening must not arrive in one millisecond: spread over 5 s.
  if (error.retryAt !== undefined) return Math.max(1_000, error.retryAt - now) + random() * 5_000;
  return 2_000 + random() * 8_000;
}

const CLOSE_NAMES: ReadonlyMap<number, CloseErrorCode> = new Map<number, CloseErrorCode>([
  [CloseCode.SUPERSEDED, 'SUPERSEDED'],
  [CloseCode.EVENT_WITHDRAWN, 'EVENT_WITHDRAWN'],
  [CloseCode.TICKET_REVOKED, 'TICKET_REVOKED'],
  [CloseCode.PROTOCOL_VIOLATION, 'PROTOCOL_VIOLATION'],
]);

/** The error code reported for a terminal close. */
export function closeErrorCode(closeCode: number): CloseErrorCode {
  return CLOSE_NAMES.get(closeCode) ?? 'CONNECTION_CLOSED';
}
