/** What is left to book in an event, per center and slot: the booking API and the kiosk both answer with it. */
import type { AvailabilityResponse } from '../../shared/booking/api.js';
import type { EventConfig } from '../config/event-schema.js';
import { slotKey } from '../store/booking-fingerprint.js';

/** `taken`: units booked per slot key (BookingStore.taken). */
export function availabilityOf(event: EventConfig, taken: ReadonlyMap<string, number>): AvailabilityResponse {
  return { eventId: event.id, timeZone: event.timeZone, centers: event.centers.map((center) => centerAvailability(center, taken)) };
}

export function centerAvailability(center: EventConfig['centers'][number], taken: ReadonlyMap<string, number>): AvailabilityResponse['centers'][number] {
  return {
    centerId: center.id,
    name: center.name.ko,
    names: center.name,
    address: center.address,
    slots: center.slots.map((slot) => ({
      slotId: slot.id,
      label: slot.label,
      capacity: slot.capacity,
      startsAt: slot.startsAt,
      endsAt: slot.endsAt,
      // Informational: the commit is what enforces capacity (SLOT_FULL).
      remaining: Math.max(0, slot.capacity - (taken.get(slotKey(center.id, slot.id)) ?? 0)),
    })),
  };
}
