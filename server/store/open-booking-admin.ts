/** Opens the BookingAdmin (./booking-admin.ts) of the booking store the config names. */
import type { WaitroomConfig } from '../config/schema.js';
import { BookingAdminError, type BookingAdmin } from './booking-admin.js';
import { openPostgresAdmin } from './postgres/booking-admin.js';
import { openRedisAdmin } from './redis/booking-admin.js';

/** The booking store the config names (PostgreSQL with bookingsUrl, else the queue store's kind). */
export async function openBookingAdmin(store: WaitroomConfig['store']): Promise<BookingAdmin> {
  if (store.bookingsUrl) return openPostgresAdmin(store.bookingsUrl);
  if (store.kind === 'redis') return openRedisAdmin(store);
  throw new BookingAdminError(
    'BOOKINGS_IN_PROCESS',
    'the config keeps bookings in memory (store.kind "memory", no BOOKINGS_URL): they live inside the running process, which nothing else can read; set BOOKINGS_URL (PostgreSQL) or STORE=redis',
  );
}
