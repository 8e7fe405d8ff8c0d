/**
 * What a gateway says when it refuses a request or closes a connection, each
 * written once. A refusal's retryability comes from its code
 * (shared/protocol/codes.ts, RETRYABLE_ERRORS); texts that carry a value (an
 * event id, an eligibility rule) are composed where the value is known.
 */
import { CloseCode, ErrorCode, RETRYABLE_ERRORS } from '../../shared/protocol/codes.js';

export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
  readonly retryable: boolean;
}

function refusal(code: ErrorCode, message: string): Refusal {
  return { code, message, retryable: RETRYABLE_ERRORS.has(code) };
}

export const Refusals = {
  storeUnavailable: refusal(ErrorCode.STORE_UNAVAILABLE, 'the queue is reconnecting; try again shortly'),
  internal: refusal(ErrorCode.INTERNAL, 'internal error; please retry'),
  alreadyJoined: refusal(ErrorCode.ALREADY_JOINED, 'this connection already holds a ticket'),
  notJoined: refusal(ErrorCode.NOT_JOINED, 'this connection holds no ticket'),
  withdrawn: refusal(ErrorCode.EVENT_CLOSED, 'this event was withdrawn by its organisers'),
  revoked: refusal(ErrorCode.TICKET_REVOKED, 'an operator revoked this ticket; it can no longer wait or book'),
  grantExpired: refusal(ErrorCode.GRANT_EXPIRED, 'your turn came but the booking window has ended'),
  used: refusal(ErrorCode.TICKET_USED, 'this ticket was already used for a booking'),
  left: refusal(ErrorCode.TICKET_LEFT, 'this ticket left the queue'),
  unknown: refusal(ErrorCode.TICKET_UNKNOWN, 'the queue does not know this ticket'),
  resumeUnproven: refusal(ErrorCode.TICKET_PROOF_INVALID, "the resume does not prove possession of the ticket's secret"),
  deviceJoinUnproven: refusal(ErrorCode.TICKET_PROOF_INVALID, "the join does not prove possession of the device's place"),
  deviceHasPlace: refusal(ErrorCode.DEVICE_HAS_PLACE, 'this device already holds a place in this event: resume the ticket stored for it'),
  recoveryCodeUnknown: refusal(ErrorCode.RECOVERY_CODE_UNKNOWN, 'no recovery code like this is waiting: it was used, replaced by a newer one, or mistyped'),
  recoveryCodeUsed: refusal(ErrorCode.RECOVERY_CODE_USED, 'this recovery code was used already: make a new one'),
  recoveriesExhausted: refusal(ErrorCode.RECOVERY_RATE_LIMITED, 'too many recovery codes were tried for this event; try again at retryAt'),
  recoveryShowsExhausted: refusal(ErrorCode.RECOVERY_RATE_LIMITED, 'this ticket kept too many recovery codes; try again at retryAt'),
  laneCodeUnknown: refusal(ErrorCode.LANE_CODE_UNKNOWN, 'this priority-lane code is not one of this event; join without it for the main line'),
  laneCodeExpired: refusal(ErrorCode.LANE_CODE_EXPIRED, 'this priority-lane code has expired; join without it for the main line'),
  laneCodeUsedUp: refusal(ErrorCode.LANE_CODE_USED_UP, 'every use of this priority-lane code is taken; join without it for the main line'),
  resumesExhausted: refusal(ErrorCode.RECONNECT_RATE_LIMITED, 'this ticket reconnected too often; your place is kept, resume again at retryAt'),
} as const satisfies Record<string, Refusal>;

/** The reason sent with each close code the gateway closes a connection with. */
export const CLOSE_REASONS: Readonly<Record<CloseCode, string>> = {
  [CloseCode.NORMAL]: 'left the queue',
  [CloseCode.MESSAGE_TOO_BIG]: 'frame too large',
  [CloseCode.SHUTTING_DOWN]: 'node shutting down',
  [CloseCode.BACKPRESSURE]: 'too far behind; resume to continue',
  [CloseCode.MOVING]: 'moving; retry-in-ms=0',
  [CloseCode.PROTOCOL_VIOLATION]: 'too many invalid frames',
  [CloseCode.SUPERSEDED]: 'ticket resumed on another connection',
  [CloseCode.EVENT_WITHDRAWN]: 'event withdrawn',
  [CloseCode.TICKET_REVOKED]: 'ticket revoked',
};

const CLOSE_NAMES = new Map<number, string>(Object.entries(CloseCode).map(([name, code]) => [code, name]));

/** The errors-metric label of a close: `CLOSE_` and the code's name (CLOSE_BACKPRESSURE, CLOSE_SUPERSEDED, …). */
export function closeLabel(code: CloseCode): string {
  return `CLOSE_${CLOSE_NAMES.get(code)}`;
}
