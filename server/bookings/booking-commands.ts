/**
 * What `npm run bookings` does, apart from reading its arguments (server/main/bookings-cli.ts):
 * export an event's bookings as a stream (memory stays flat whatever their number), and purge an
 * event's personal data once no grant of it can book any more. Refusals carry stable codes.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EventConfig } from '../config/event-schema.js';
import type { BookingAdmin, PurgeCounts } from '../store/booking-admin.js';
import { formatBookings, type ExportFormat } from './export-format.js';

export class BookingCommandError extends Error {
  constructor(
    readonly code: 'EVENT_UNKNOWN' | 'EVENT_NOT_CLOSED',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Streams every booking of `eventId` to `out` (a file path, written beside and renamed when complete,
 * so a failed export leaves no partial file; or a stream such as stdout). An event that is neither
 * configured nor has bookings is unknown. Returns how many bookings it wrote.
 */
export async function exportBookings(admin: BookingAdmin, configured: boolean, eventId: string, format: ExportFormat, out: string | Writable): Promise<number> {
  if (!configured && (await admin.bookingCount(eventId)) === 0)
    throw new BookingCommandError('EVENT_UNKNOWN', `event "${eventId}" is not configured and has no bookings`);
  let written = 0;
  const counted = async function* () {
    for await (const booking of admin.list(eventId)) {
      written++;
      yield booking;
    }
  };
  const chunks = Readable.from(formatBookings(counted(), format));
  if (typeof out !== 'string') {
    await pipeline(chunks, out, { end: false });
    return written;
  }
  const partial = `${out}.partial`;
  try {
    await pipeline(chunks, createWriteStream(partial));
    await rename(partial, out);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return written;
}

/** The first moment no grant of the event can book any more: its close plus a grant's life. */
export function purgeableAt(event: EventConfig): number {
  return event.closesAt + event.grantTtlSeconds * 1000;
}

/** Removes the personal data of the event's bookings made before `before` (all when null); refuses before purgeableAt. */
export async function purgeEvent(
  admin: BookingAdmin,
  event: EventConfig | undefined,
  eventId: string,
  now: number,
  before: number | null,
): Promise<PurgeCounts> {
  if (!event) throw new BookingCommandError('EVENT_UNKNOWN', `event "${eventId}" is not configured: its closing time, which purge waits for, is unknown`);
  const from = purgeableAt(event);
  if (now < from)
    throw new BookingCommandError(
      'EVENT_NOT_CLOSED',
      `event "${eventId}" is open or its last grants may still book until ${new Date(from).toISOString()} (closesAt + grantTtlSeconds); purge it after that`,
    );
  return admin.purge(eventId, before);
}
