/**
 * The reservation handler's API for booking pages (browser or Node): live
 * availability and the booking itself, with every refusal as a stable code
 * (shared/booking/api.ts) and network failures as NETWORK.
 */
import type { AvailabilityResponse, BookingBody, BookingError, BookingResponse } from '../../shared/booking/api.js';
import { BOOKING_ERROR_STATUS, type BookingErrorCode } from '../../shared/booking/error-codes.js';
// The generated checks, not the zod schemas: the SDK bundle ships no zod (docs/decisions/022-page-weight.md).
import { check } from '../../shared/lean/check.js';
import { AVAILABILITY_RESPONSE, BOOKING_ERROR, BOOKING_RESPONSE } from '../../shared/lean/schemas.generated.js';
import type { Handoff } from './handoff.js';

export type Availability = AvailabilityResponse;
export type Booking = BookingResponse['booking'];

/** NETWORK: no answer; UNEXPECTED_RESPONSE: an answer that is not the API's. */
export type BookingFailureCode = BookingErrorCode | 'NETWORK' | 'UNEXPECTED_RESPONSE';

export type BookingResult = { ok: true; booking: Booking; repeated: boolean } | { ok: false; code: BookingFailureCode; message: string; status: number | null };

export interface Person {
  name: string;
  birthDate: string;
}

/** Codes after which this grant can never book: the person has to queue again. */
export const GRANT_FINISHED_CODES: ReadonlySet<BookingFailureCode> = new Set<BookingFailureCode>([
  'GRANT_MALFORMED',
  'GRANT_UNKNOWN_KEY',
  'GRANT_INVALID_SIGNATURE',
  'GRANT_EXPIRED',
  'GRANT_REVOKED',
]);

/** The availability URL beside a booking URL (same reservation handler, same event). */
export function availabilityUrl(bookingUrl: string): string {
  return bookingUrl.replace(/\/bookings\/?$/, '/availability');
}

function isBookingErrorCode(code: string): code is BookingErrorCode {
  return Object.hasOwn(BOOKING_ERROR_STATUS, code);
}

export async function fetchAvailability(bookingUrl: string, fetchFn: typeof fetch = fetch): Promise<Availability> {
  const response = await fetchFn(availabilityUrl(bookingUrl), { cache: 'no-store' });
  const parsed = check<AvailabilityResponse>(AVAILABILITY_RESPONSE, await response.json().catch(() => null));
  if (!response.ok || !parsed.ok) throw new Error(`availability: HTTP ${response.status}`);
  return parsed.value;
}

/**
 * Books with the handed-over grant. Safe to repeat after a lost answer: the
 * same person, center and slot with the same grant gets the same booking back.
 * `identityToken`: the identity provider's assertion, for events that require one (docs/protocol.md §9.5).
 */
export async function book(
  handoff: Handoff,
  choice: { person: Person; centerId: string; slotId: string; identityToken?: string },
  fetchFn: typeof fetch = fetch,
): Promise<BookingResult> {
  const body: BookingBody = { grant: handoff.grant, secret: handoff.secret, ...choice };
  let response: Response;
  try {
    response = await fetchFn(handoff.bookingUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (error) {
    return { ok: false, code: 'NETWORK', message: (error as Error).message, status: null };
  }
  const json: unknown = await response.json().catch(() => null);
  const booked = response.ok ? check<BookingResponse>(BOOKING_RESPONSE, json) : null;
  if (booked?.ok) return { ok: true, booking: booked.value.booking, repeated: booked.value.repeated };
  const failure = check<BookingError>(BOOKING_ERROR, json);
  if (!failure.ok) return { ok: false, code: 'UNEXPECTED_RESPONSE', message: `HTTP ${response.status}`, status: response.status };
  const { code, message } = failure.value.error;
  if (!isBookingErrorCode(code)) return { ok: false, code: 'UNEXPECTED_RESPONSE', message: `${code}: ${message}`, status: response.status };
  return { ok: false, code, message, status: response.status };
}
