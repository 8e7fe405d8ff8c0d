/**
 * What a booking webhook carries (docs/webhooks.md): one JSON object per
 * committed booking. `id` is the same on every retry of one booking, so a
 * receiver de-duplicates by it; the body's bytes are the same on every retry too.
 */
import type { BookingRecord } from '../../store/types.js';

export const BOOKING_WEBHOOK_TYPE = 'booking.committed';

export interface BookingWebhook {
  /** `<eventId>/<reference>`: unique per booking, the key to de-duplicate by. */
  id: string;
  type: typeof BOOKING_WEBHOOK_TYPE;
  eventId: string;
  reference: string;
  slot: { centerId: string; slotId: string };
  /** When the booking was committed (the database's clock), ISO 8601. */
  createdAt: string;
  /** The booking as stored: reference, eventId, ticketNo, centerId, slotId, name, birthDate, bookedAt (ms). */
  booking: BookingRecord;
}

export function bookingWebhookId(eventId: string, reference: string): string {
  return `${eventId}/${reference}`;
}

/** The body sent for one booking, from what the database holds; the same text on every retry. */
export function bookingWebhookBody(record: BookingRecord, createdAt: Date): string {
  const webhook: BookingWebhook = {
    id: bookingWebhookId(record.eventId, record.reference),
    type: BOOKING_WEBHOOK_TYPE,
    eventId: record.eventId,
    reference: record.reference,
    slot: { centerId: record.centerId, slotId: record.slotId },
    createdAt: createdAt.toISOString(),
    booking: record,
  };
  return JSON.stringify(webhook);
}
