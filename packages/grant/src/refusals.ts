/**
 * Why a grant was refused: stable codes, the same the Waitroom reservation handler answers
 * (shared/booking/api.ts gives their HTTP statuses), each with a message for people.
 */

/** What the signature check found wrong, before any code is chosen. */
export type GrantFailure = 'malformed' | 'unknown_key' | 'bad_signature' | 'expired' | 'keys_unavailable';

export type GrantRefusalCode =
  'GRANT_MALFORMED' | 'GRANT_UNKNOWN_KEY' | 'GRANT_INVALID_SIGNATURE' | 'GRANT_EXPIRED' | 'GRANT_KEYS_UNAVAILABLE' | 'GRANT_WRONG_SECRET' | 'GRANT_WRONG_EVENT';

export interface GrantRefusal {
  code: GrantRefusalCode;
  message: string;
  /** True only when nothing was wrong with the grant (its keys could not be fetched): the same request may succeed later. */
  retryable: boolean;
}

export const GRANT_REFUSALS: Record<GrantFailure, GrantRefusal> = {
  malformed: { code: 'GRANT_MALFORMED', message: 'the grant is not a valid grant token', retryable: false },
  unknown_key: { code: 'GRANT_UNKNOWN_KEY', message: 'the grant was signed with a key this system does not know', retryable: false },
  bad_signature: { code: 'GRANT_INVALID_SIGNATURE', message: 'the grant signature does not verify', retryable: false },
  expired: { code: 'GRANT_EXPIRED', message: 'the grant has expired; booking time is over', retryable: false },
  keys_unavailable: { code: 'GRANT_KEYS_UNAVAILABLE', message: 'the grant keys could not be fetched; nothing was booked; retry', retryable: true },
};

export const WRONG_SECRET: GrantRefusal = { code: 'GRANT_WRONG_SECRET', message: 'the secret does not match this grant', retryable: false };

export function wrongEvent(eventId: string): GrantRefusal {
  return { code: 'GRANT_WRONG_EVENT', message: `this grant is for event "${eventId}"`, retryable: false };
}
