/** Booking over the reservation handler's real HTTP API. */
import type { BookingBody } from '../../shared/booking/api.js';

export interface HttpReply {
  status: number;
  body: { booking?: { reference: string; ticketNo: number; bookedAt: number }; repeated?: boolean; error?: { code: string; message: string } };
}

/** `timeoutMs`: give up (reject) on a request that gets no answer in time, e.g. from a handler that hangs or died. */
export async function postBooking(baseUrl: string, eventId: string, body: Partial<BookingBody> | unknown, timeoutMs?: number): Promise<HttpReply> {
  const response = await fetch(`${baseUrl}/api/events/${eventId}/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
  });
  return { status: response.status, body: (await response.json()) as HttpReply['body'] };
}

/**
 * postBooking, sent again (the same body: idempotent) when it got no answer — a handler under load, or a kept-alive
 * connection the handler closed just as it was reused ("socket hang up") — up to `attempts` times; null if none answered.
 */
export async function postBookingRetried(
  baseUrl: string,
  eventId: string,
  body: Partial<BookingBody> | unknown,
  attempts = 5,
): Promise<{ reply: HttpReply | null; attempts: number }> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return { reply: await postBooking(baseUrl, eventId, body), attempts: attempt };
    } catch {
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
  return { reply: null, attempts };
}

export function bookingBody(grant: string, secret: string, overrides: Partial<BookingBody> = {}): BookingBody {
  return {
    grant,
    secret,
    person: { name: `Person ${Math.random().toString(36).slice(2, 10)}`, birthDate: '1970-05-17' },
    centerId: 'c1',
    slotId: 's1',
    ...overrides,
  };
}
