/**
 * Every error code the gateway's HTTP answers (the operators' API under
 * `/admin/`, `/api/info`, `/api/kiosk`), in one place, for the routes that
 * refuse and the pages that read the refusals (docs/console.md, docs/protocol.md §10).
 * Every refusal is `{ error: { code, message, … } }` (ErrorBody).
 */
import { z } from 'zod';

export const HttpErrorCode = {
  /** The route does not take this method; `allow` lists those it takes. */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** No route at this path. */
  NOT_FOUND: 'NOT_FOUND',
  /** No credentials, wrong ones, or a session that has ended. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The operator's role may not do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** A state-changing request from elsewhere than the gateway's own pages (CSRF). */
  BAD_ORIGIN: 'BAD_ORIGIN',
  /** Too many password checks at once; retry shortly. */
  BUSY: 'BUSY',
  /** The account or the address is locked after failed sign-ins; `retryAfterSeconds` says for how long. */
  SIGN_IN_THROTTLED: 'SIGN_IN_THROTTLED',
  /** The store is unreachable; nothing changed; retry shortly. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** The body or query does not match the route's schema; `problems` lists what is wrong. */
  VALIDATION: 'VALIDATION',
  /** The body is not JSON. */
  INVALID_JSON: 'INVALID_JSON',
  /** The body exceeds admin.maxBodyBytes. */
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  /** The body is not sent as application/json. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** The event id names no live event (or no event has the centre asked for). */
  UNKNOWN_EVENT: 'UNKNOWN_EVENT',
  /** The event has no centre of this id (`/api/kiosk`). */
  UNKNOWN_CENTER: 'UNKNOWN_CENTER',
  /** The edited events do not validate; `problems` lists every problem, nothing changed. */
  EVENTS_INVALID: 'EVENTS_INVALID',
  /** The change would strand people waiting or holding grants; nothing changed (`?force=1` applies it). */
  RELOAD_WOULD_STRAND: 'RELOAD_WOULD_STRAND',
  /** Open now: the event has closed. */
  EVENT_CLOSED: 'EVENT_CLOSED',
  /** Open now: the event is open already. */
  EVENT_ALREADY_OPEN: 'EVENT_ALREADY_OPEN',
  /** Close now: the event has closed already. */
  EVENT_ALREADY_CLOSED: 'EVENT_ALREADY_CLOSED',
  /** Close now: the event has not opened (change its window instead). */
  EVENT_NOT_OPEN_YET: 'EVENT_NOT_OPEN_YET',
  /** Revoke: the queue does not know this ticket number. */
  TICKET_UNKNOWN: 'TICKET_UNKNOWN',
  /** Revoke: the ticket was revoked already. */
  TICKET_ALREADY_REVOKED: 'TICKET_ALREADY_REVOKED',
  /** Revoke: the ticket's grant was used for a booking already. */
  TICKET_USED: 'TICKET_USED',
  /** Revoke: the ticket left the queue and its turn has passed. */
  TICKET_FINISHED: 'TICKET_FINISHED',
  /** The lane named is not one of the event's priority lanes. */
  UNKNOWN_LANE: 'UNKNOWN_LANE',
  /** The codes' expiry is not in the future. */
  LANE_CODE_EXPIRY: 'LANE_CODE_EXPIRY',
  /** The event keeps as many codes as it may (10,000): no more are issued. */
  LANE_CODES_FULL: 'LANE_CODES_FULL',
} as const;
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

/** A refusal's body; the error object may carry more fields (`problems`, `retryAfterSeconds`, `refusals`, …). */
export const ErrorBody = z.object({
  error: z.looseObject({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
