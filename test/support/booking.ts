/** Booking over the reservation handler's real HTTP API. */
import type { BookingBody } from '../../shared/booking/api.js';

export interface HttpReply {
  status: number;
  body: { booking?: { reference: string; ticketNo: number }; repeated?: boolean; error?: { code: string; message: string } };
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
