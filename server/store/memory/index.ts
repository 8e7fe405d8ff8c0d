import type { Stores } from '../types.js';
import { MemoryBookingStore } from './booking-store.js';
import { MemoryEvents } from './event-state.js';
import { MemoryQueueStore } from './queue-store.js';

export function createMemoryStores(): Stores {
  const events = new MemoryEvents();
  return {
    queue: new MemoryQueueStore(events),
    bookings: new MemoryBookingStore(events),
    ping: async () => true,
    close: async () => {},
  };
}
