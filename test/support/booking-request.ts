/** A store-level booking request for ticket `ticketNo`: its own grant, person and reference, slot c1/s1 of capacity 10. */
import type { BookingRequest } from '../../server/store/types.js';

export function bookingRequest(eventId: string, ticketNo: number, bookedAt: number, overrides: Partial<BookingRequest> = {}): BookingRequest {
  const reference = `ref-${ticketNo}`;
  return {
    eventId,
    grantId: `grant-${ticketNo}`,
    ticketNo,
    personKey: `person-${ticketNo}`,
    centerId: 'c1',
    slotId: 's1',
    slotCapacity: 10,
    reference,
    record: { reference, eventId, ticketNo, centerId: 'c1', slotId: 's1', name: 'Kim', birthDate: '1970-01-01', bookedAt },
    ...overrides,
  };
}
