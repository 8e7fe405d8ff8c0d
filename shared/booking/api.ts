/**
 * The reservation handler's HTTP API, shared by the handler and the booking page.
 *
 *     POST /api/events/:eventId/bookings      BookingBody → 201 BookingResponse (200 on an idempotent repeat)
 *     GET  /api/events/:eventId/availability  → AvailabilityResponse
 *
 * Every error is `{ error: { code, message } }` with the status in BOOKING_ERROR_STATUS.
 */
import { z } from 'zod';
import { calendarDate } from '../time/calendar-date-schema.js';

export const BookingBody = z
  .object({
    grant: z.string().min(1).max(2048),
    secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a 43-character base64url secret'),
    person: z
      .object({
        name: z.string().trim().min(1).max(100),
        birthDate: calendarDate,
      })
      .strict(),
    centerId: z.string().min(1).max(64),
    slotId: z.string().min(1).max(64),
    /**
     * The site's identity provider's signed assertion (a JWT or OIDC ID token) that names the person,
     * with `nonce` = the grant's id (docs/protocol.md §9.5). Required by events that have an `identity` block.
     */
    identityToken: z.string().min(1).max(8192).optional(),
  })
  .strict();
export type BookingBody = z.infer<typeof BookingBody>;

export const Booking = z.object({
  reference: z.string(),
  eventId: z.string(),
  ticketNo: z.number(),
  centerId: z.string(),
  slotId: z.string(),
  name: z.string(),
  birthDate: z.string(),
  bookedAt: z.number(),
});
export type Booking = z.infer<typeof Booking>;

export const BookingResponse = z.object({ booking: Booking, repeated: z.boolean() });
export type BookingResponse = z.infer<typeof BookingResponse>;

const Texts = z.object({ ko: z.string(), en: z.string() });

export const SlotAvailability = z.object({
  slotId: z.string(),
  label: z.string(),
  capacity: z.number(),
  remaining: z.number(),
  /** When the slot starts and ends (ms), when the event says; absent from older handlers. */
  startsAt: z.number().nullish(),
  endsAt: z.number().nullish(),
});
export const CenterAvailability = z.object({
  centerId: z.string(),
  /** The Korean name (the one name of older handlers); `names` has both languages. */
  name: z.string(),
  names: Texts.optional(),
  address: Texts.nullish(),
  slots: z.array(SlotAvailability),
});
/** `timeZone`: the event's, in which slot times are shown (absent from older handlers). */
export const AvailabilityResponse = z.object({ eventId: z.string(), timeZone: z.string().optional(), centers: z.array(CenterAvailability) });
export type AvailabilityResponse = z.infer<typeof AvailabilityResponse>;

export { BOOKING_ERROR_STATUS, type BookingErrorCode } from './error-codes.js';

export const BookingError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type BookingError = z.infer<typeof BookingError>;
