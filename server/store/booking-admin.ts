/**
 * What `npm run bookings` (server/main/bookings-cli.ts) does to a deployment's stored bookings from
 * outside the running processes: list an event's bookings in pages (export) and remove their
 * personal data (purge). PostgreSQL and Redis bookings can; memory bookings live inside the process
 * that made them, so nothing else can read them (./open-booking-admin.ts opens the configured one).
 * docs/decisions/021-export-and-retention.md.
 */
import type { BookingRecord } from './types.js';

/** A stored booking; a purged one has lost its name and birth date. */
export type StoredBooking = Omit<BookingRecord, 'name' | 'birthDate'> & Partial<Pick<BookingRecord, 'name' | 'birthDate'>>;

/** The personal fields purge removes from a booking record. */
export const PERSONAL_FIELDS = ['name', 'birthDate'] as const;

/** What one purge changed. */
export interface PurgeCounts {
  /** Bookings whose name, birth date and person key were removed by this call. */
  bookings: number;
  /** Identity-assertion bindings deleted. */
  assertions: number;
}

export interface BookingAdmin {
  /** Every booking of the event, in reference order, read a page at a time. */
  list(eventId: string): AsyncIterable<StoredBooking>;
  bookingCount(eventId: string): Promise<number>;
  /** Removes the personal data of the event's bookings made before `before` (ms; null: all). Run again, it changes nothing more. */
  purge(eventId: string, before: number | null): Promise<PurgeCounts>;
  close(): Promise<void>;
}

export class BookingAdminError extends Error {
  constructor(
    readonly code: 'BOOKINGS_IN_PROCESS' | 'BOOKINGS_UNREACHABLE',
    message: string,
  ) {
    super(message);
  }
}

/** Entries one page reads: small enough that a page never weighs much, large enough that round trips do not dominate. */
export const PAGE_SIZE = 1000;

/** `record` without its personal fields (the purged form of a booking). */
export function withoutPersonalData<T extends StoredBooking>(record: T): StoredBooking {
  const copy: Record<string, unknown> = { ...record };
  for (const field of PERSONAL_FIELDS) delete copy[field];
  return copy as StoredBooking;
}
