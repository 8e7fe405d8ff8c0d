/**
 * Every refusal of the reservation handler's API (shared/booking/api.ts) as a stable code and its HTTP status.
 * Plain data, apart from the zod schemas, so the SDK and the pages read it without shipping zod.
 */
export const BOOKING_ERROR_STATUS = {
  /** No grant in the request. */
  GRANT_MISSING: 401,
  /** The grant is not a well-formed grant token. */
  GRANT_MALFORMED: 401,
  /** The grant names a key id this handler does not know. */
  GRANT_UNKNOWN_KEY: 401,
  /** The grant's signature does not verify (forged or tampered). */
  GRANT_INVALID_SIGNATURE: 401,
  /** The grant has expired. */
  GRANT_EXPIRED: 401,
  /** The grant was issued for another event. */
  GRANT_WRONG_EVENT: 403,
  /** The secret does not match the one the grant is bound to. */
  GRANT_WRONG_SECRET: 403,
  /** The grant's ticket is no longer admitted (left or revoked). */
  GRANT_REVOKED: 403,
  /** The grant was already used for a different booking. */
  GRANT_USED: 409,
  /** This person already booked for this event. */
  ALREADY_BOOKED: 409,
  /** The slot has no capacity left. */
  SLOT_FULL: 409,
  /** The event has closed; nothing can be booked. */
  EVENT_CLOSED: 403,
  /** Booking has not opened yet (the event, or this person's cohort, opens later); the message says when. */
  EVENT_NOT_OPEN_YET: 403,
  /** The event takes certain birth dates only, and the birth date is not a calendar date. */
  BIRTH_DATE_REQUIRED: 422,
  /** The name has no letters once invisible characters are removed (docs/decisions/009-identity-rule.md). */
  NAME_EMPTY: 422,
  /** The name mixes scripts, e.g. Cyrillic look-alikes in a Latin name (docs/decisions/009-identity-rule.md). */
  NAME_MIXED_SCRIPTS: 422,
  /** The event requires an identity assertion and the booking carries none. */
  IDENTITY_REQUIRED: 401,
  /** The identity assertion does not verify; the message starts with the reason (docs/protocol.md §9.5). */
  IDENTITY_INVALID: 401,
  /** The identity assertion (its jti) was already used with another grant. */
  IDENTITY_REPLAYED: 409,
  /** The grant keys (keys.grant.jwksUrl) could not be fetched; nothing was booked; retry. */
  GRANT_KEYS_UNAVAILABLE: 503,
  /** The identity provider's keys could not be fetched; nothing was booked; retry. */
  IDENTITY_PROVIDER_UNAVAILABLE: 503,
  /** No cohort of the event takes this birth date. */
  NOT_ELIGIBLE: 403,
  /** The person's cohort opens later; the message says when. */
  COHORT_NOT_OPEN_YET: 403,
  /** The person's cohort has closed. */
  COHORT_CLOSED: 403,
  /** The event does not exist. */
  UNKNOWN_EVENT: 404,
  /** The center or slot does not exist in the event. */
  UNKNOWN_SLOT: 422,
  /** The body is not JSON. */
  INVALID_JSON: 400,
  /** The body is JSON but not a valid booking request. */
  INVALID_BODY: 422,
  /** A browser request from an origin that may not call this API. */
  ORIGIN_NOT_ALLOWED: 403,
  /** The request body exceeds the size limit. */
  BODY_TOO_LARGE: 413,
  /** The content type is not application/json. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** The request is not valid HTTP (the connection is closed after the answer). */
  BAD_REQUEST: 400,
  /** The request's headers exceed the HTTP parser's limit. */
  HEADERS_TOO_LARGE: 431,
  /** The request (its header, or the whole of it) did not arrive within the handler's timeout; the connection is closed. */
  REQUEST_TIMEOUT: 408,
  /** The booking store is unreachable; nothing was committed; retry. */
  STORE_UNAVAILABLE: 503,
  /** The booking was written but not confirmed on a replica in time (store.bookingReplicas); send the same request again: it returns the booking once replicated, never a second one. */
  BOOKING_NOT_REPLICATED: 503,
} as const;

export type BookingErrorCode = keyof typeof BOOKING_ERROR_STATUS;
