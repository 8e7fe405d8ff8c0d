/**
 * Every error code and close code of the protocol, in one place.
 *
 * Reply errors keep the connection open; each carries a stable string code and
 * whether retrying the same request later can succeed. Close codes are split in
 * two ranges: 4000–4099 ask the client to reconnect (with backoff), 4100–4199
 * are terminal (reconnecting would fail the same way).
 */

export const ErrorCode = {
  /** The frame is not valid msgpack or does not match any message schema. */
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  /** The message type is not one the server knows. */
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  /** The event id does not name a configured event. */
  UNKNOWN_EVENT: 'UNKNOWN_EVENT',
  /** The event has closed; nobody may join. */
  EVENT_CLOSED: 'EVENT_CLOSED',
  /** Joining has not opened yet (neither the pre-queue nor, for this person, their cohort's window); the error says when. */
  EVENT_NOT_OPEN_YET: 'EVENT_NOT_OPEN_YET',
  /** The event takes certain birth dates only, and no valid birth date (YYYY-MM-DD) was given. */
  BIRTH_DATE_REQUIRED: 'BIRTH_DATE_REQUIRED',
  /** No cohort of the event takes this birth date. */
  NOT_ELIGIBLE: 'NOT_ELIGIBLE',
  /** The person's cohort opens later; the error says when. */
  COHORT_NOT_OPEN_YET: 'COHORT_NOT_OPEN_YET',
  /** The person's cohort has closed (the event may still be open for others). */
  COHORT_CLOSED: 'COHORT_CLOSED',
  /** This connection already holds a ticket. */
  ALREADY_JOINED: 'ALREADY_JOINED',
  /** The message needs a ticket and this connection holds none. */
  NOT_JOINED: 'NOT_JOINED',
  /** The ticket token is malformed or its signature does not verify. */
  TICKET_INVALID: 'TICKET_INVALID',
  /** The ticket token has expired. */
  TICKET_EXPIRED: 'TICKET_EXPIRED',
  /** The ticket was issued for another event than the one asked for. */
  TICKET_WRONG_EVENT: 'TICKET_WRONG_EVENT',
  /** The store does not know the ticket (e.g. it was revoked). */
  TICKET_UNKNOWN: 'TICKET_UNKNOWN',
  /** The ticket's turn passed after its holder left (stepped out, or away past the grace period). */
  TICKET_LEFT: 'TICKET_LEFT',
  /** The ticket's grant was already used for a booking. */
  TICKET_USED: 'TICKET_USED',
  /** The ticket was admitted but its grant expired unused. */
  GRANT_EXPIRED: 'GRANT_EXPIRED',
  /** An operator revoked this ticket (or its grant): it cannot wait, resume or book again. Do not rejoin automatically. */
  TICKET_REVOKED: 'TICKET_REVOKED',
  /** The resume (or the device join taking over a place) did not prove possession of the ticket's secret. Not retryable: the ticket alone is not enough. */
  TICKET_PROOF_INVALID: 'TICKET_PROOF_INVALID',
  /** This device already holds a place in the event, bound to another secret: resume the stored ticket instead of joining. */
  DEVICE_HAS_PLACE: 'DEVICE_HAS_PLACE',
  /** The event asks for proof of work and the join carried none: solve the `challenge` in the error and join again. */
  POW_REQUIRED: 'POW_REQUIRED',
  /** The challenge is forged or altered, is for another event, or the nonce does not solve it. A fresh `challenge` comes along. */
  POW_INVALID: 'POW_INVALID',
  /** The challenge expired before the join arrived. A fresh `challenge` comes along. */
  POW_EXPIRED: 'POW_EXPIRED',
  /** The challenge was already used for a join. A fresh `challenge` comes along. */
  POW_REUSED: 'POW_REUSED',
  /** The join's priority-lane code is not one the event issued (or its lane was taken out of the event). Join without it for the main line. */
  LANE_CODE_UNKNOWN: 'LANE_CODE_UNKNOWN',
  /** The join's priority-lane code has expired. Join without it for the main line. */
  LANE_CODE_EXPIRED: 'LANE_CODE_EXPIRED',
  /** Every use of the join's priority-lane code is taken. Join without it for the main line. */
  LANE_CODE_USED_UP: 'LANE_CODE_USED_UP',
  /** The queue store is unreachable; the request may be retried. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** An unexpected server fault; the request may be retried. */
  INTERNAL: 'INTERNAL',
  /** Too many joins from this client address (gateway.perIp.joinsPerMinute, or keylessJoinsPerMinute without a device key): no place was created. Join again at `retryAt`. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** This ticket was resumed too often (gateway.resumesPerTicketPerMinute): its place is kept. Resume again at `retryAt`. */
  RECONNECT_RATE_LIMITED: 'RECONNECT_RATE_LIMITED',
  /** No live recovery code has this id: never issued, used already, replaced by a newer one, or its ticket expired. */
  RECOVERY_CODE_UNKNOWN: 'RECOVERY_CODE_UNKNOWN',
  /** The recovery code was used already: make a new one (a `recovery` message). */
  RECOVERY_CODE_USED: 'RECOVERY_CODE_USED',
  /** Too many recovery attempts from this address (gateway.perIp.recoveriesPerMinute) or failed ones for this event (gateway.recoveryMissesPerEventPerMinute). Try again at `retryAt`. */
  RECOVERY_RATE_LIMITED: 'RECOVERY_RATE_LIMITED',
  /** The turn-contact asked for a notice this gateway does not send (no VAPID keys for push, no messaging webhook for a phone number). */
  TURN_NOTICES_OFF: 'TURN_NOTICES_OFF',
  /** The push subscription's endpoint is not at a push service the gateway sends to (gateway.turnNotices.pushServices). */
  PUSH_SERVICE_REFUSED: 'PUSH_SERVICE_REFUSED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes whose request may succeed when repeated later, unchanged. */
export const RETRYABLE_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.STORE_UNAVAILABLE,
  ErrorCode.INTERNAL,
  ErrorCode.RATE_LIMITED,
  ErrorCode.RECONNECT_RATE_LIMITED,
  ErrorCode.RECOVERY_RATE_LIMITED,
]);

export const CloseCode = {
  /** Normal closure, e.g. after the client sent `leave`. Standard WebSocket code. */
  NORMAL: 1000,
  /**
   * A frame exceeded the maximum frame size. Standard WebSocket code (ws
   * transport); the uWS transport drops such a connection without a close
   * frame, which clients see as 1006.
   */
  MESSAGE_TOO_BIG: 1009,

  // 4000–4099: reconnect with jittered exponential backoff and resume the ticket.
  /** The node is shutting down; reconnect (to any node) and resume. */
  SHUTTING_DOWN: 4000,
  /** A reply (ticket, grant) could not be queued: the connection is too far behind; reconnect and resume to get it again. */
  BACKPRESSURE: 4001,
  /**
   * The node is draining (a rolling restart): reconnect — through the load balancer, so to another node — after
   * the delay the close reason carries (`retry-in-ms=<n>`, see moveDelayMs), without backoff, and resume.
   * The node closes its clients a few at a time over its drain window, so their resumes elsewhere are spread too.
   */
  MOVING: 4002,

  // 4100–4199: terminal; do not reconnect automatically.
  /** Too many invalid frames on this connection. */
  PROTOCOL_VIOLATION: 4100,
  /** The same ticket was resumed on another connection; this one is superseded. */
  SUPERSEDED: 4101,
  /** The event was withdrawn (removed from the live configuration by its operators); its queue no longer runs. */
  EVENT_WITHDRAWN: 4102,
  /** An operator revoked the ticket this connection held (an error TICKET_REVOKED precedes the close). */
  TICKET_REVOKED: 4103,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Whether a client should reconnect after the server closed with `code`. */
export function shouldReconnect(code: number): boolean {
  if (code >= 4100 && code <= 4199) return false;
  if (code === CloseCode.NORMAL || code === CloseCode.MESSAGE_TOO_BIG) return false;
  return true;
}

/** The longest wait a MOVING close may ask for; a larger or missing figure is read as this. */
export const MAX_MOVE_DELAY_MS = 10_000;

/** The close reason of a MOVING close asking the client to reconnect after `delayMs`. */
export function moveReason(delayMs: number): string {
  return `moving; retry-in-ms=${Math.max(0, Math.floor(delayMs))}`;
}

/** The wait a MOVING close's reason asks for (0..MAX_MOVE_DELAY_MS); never throws on a malformed reason. */
export function moveDelayMs(reason: unknown): number {
  const match = typeof reason === 'string' ? /retry-in-ms=(\d{1,9})/.exec(reason) : null;
  return match ? Math.min(Number(match[1]), MAX_MOVE_DELAY_MS) : MAX_MOVE_DELAY_MS;
}
