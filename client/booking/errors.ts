/** What to tell a person for each error code of the reservation handler. */
import type { BookingErrorCode } from '../../shared/booking/api.js';

export const BOOKING_ERROR_TEXT: Record<BookingErrorCode, string> = {
  GRANT_MISSING: 'This page has no booking pass. Go back to the waiting line.',
  GRANT_MALFORMED: 'Your booking pass is damaged. Join the line again.',
  GRANT_UNKNOWN_KEY: 'Your booking pass is not recognised by the booking service. Join the line again.',
  GRANT_INVALID_SIGNATURE: 'Your booking pass is not valid. Join the line again.',
  GRANT_EXPIRED: 'Your time to book ran out. Join the line again.',
  GRANT_WRONG_EVENT: 'Your booking pass is for another event.',
  GRANT_WRONG_SECRET: 'Your booking pass belongs to another browser. Book from the browser that waited in line.',
  GRANT_REVOKED: 'Your booking pass was withdrawn. Join the line again.',
  GRANT_USED: 'Your booking pass was already used for another booking.',
  ALREADY_BOOKED: 'This person already has a booking for this event.',
  SLOT_FULL: 'That time slot just filled up. Choose another one.',
  EVENT_CLOSED: 'Booking for this event has closed.',
  EVENT_NOT_OPEN_YET: 'Booking for this event has not opened yet.',
  BIRTH_DATE_REQUIRED: 'This event is for certain birth dates. Enter the birth date as YYYY-MM-DD.',
  NOT_ELIGIBLE: 'People with this birth date cannot book in this event.',
  COHORT_NOT_OPEN_YET: 'Booking for this birth date has not opened yet.',
  COHORT_CLOSED: 'Booking for this birth date has closed.',
  UNKNOWN_EVENT: 'The booking service does not know this event.',
  UNKNOWN_SLOT: 'That center or time slot does not exist any more. Choose another one.',
  INVALID_JSON: 'The page sent a damaged request. Reload the page and try again.',
  INVALID_BODY: 'Some details are missing or not valid. Check the name and birth date.',
  BODY_TOO_LARGE: 'The details you entered are too long.',
  UNSUPPORTED_MEDIA_TYPE: 'The page sent the request in a form the booking service does not accept. Reload the page.',
  ORIGIN_NOT_ALLOWED: 'The booking service does not accept requests from this page. Please tell the organisers.',
  NOT_FOUND: 'The booking service address is wrong. Reload the page.',
  METHOD_NOT_ALLOWED: 'The booking service refused the request. Reload the page.',
  STORE_UNAVAILABLE: 'The booking service is busy and saved nothing. Try again in a moment.',
};

/** Codes after which this grant can never book: offer to join the line again. */
export const REJOIN_CODES: ReadonlySet<string> = new Set<BookingErrorCode>([
  'GRANT_MALFORMED',
  'GRANT_UNKNOWN_KEY',
  'GRANT_INVALID_SIGNATURE',
  'GRANT_EXPIRED',
  'GRANT_REVOKED',
]);

export function bookingErrorText(code: string, fallback: string): string {
  return code in BOOKING_ERROR_TEXT ? BOOKING_ERROR_TEXT[code as BookingErrorCode] : fallback;
}
