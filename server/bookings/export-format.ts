/**
 * The two export formats of `npm run bookings -- export`, one line (or CSV record) per booking,
 * with a stable column order:
 *
 * - CSV per RFC 4180: a header row, CRLF line ends, UTF-8 without a BOM; a field with a comma, a
 *   double quote, CR or LF is quoted and its quotes doubled. Against formula injection (OWASP "CSV
 *   injection"), a text cell that starts with = + - @, a tab or CR gets a leading apostrophe, so a
 *   spreadsheet shows it as text instead of running it; the apostrophe is then part of the value.
 * - JSONL: one JSON object per line, the same fields in the same order; a purged booking's name and
 *   birth date are null.
 */
import type { StoredBooking } from '../store/booking-admin.js';

export type ExportFormat = 'csv' | 'jsonl';

/** CSV header names, in column order, with how each is read from a booking. */
const COLUMNS: [string, (booking: StoredBooking) => string][] = [
  ['reference', (b) => b.reference],
  ['event_id', (b) => b.eventId],
  ['ticket_no', (b) => String(b.ticketNo)],
  ['center_id', (b) => b.centerId],
  ['slot_id', (b) => b.slotId],
  ['name', (b) => b.name ?? ''],
  ['birth_date', (b) => b.birthDate ?? ''],
  ['booked_at', (b) => new Date(b.bookedAt).toISOString()],
];

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: formula-guarded, then quoted when RFC 4180 requires it. */
export function csvField(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

function csvRecord(fields: string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** The export as text chunks: the CSV header first, then one chunk per booking. */
export async function* formatBookings(bookings: AsyncIterable<StoredBooking>, format: ExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield csvRecord(COLUMNS.map(([name]) => name));
  for await (const booking of bookings) {
    if (format === 'csv') yield csvRecord(COLUMNS.map(([, read]) => read(booking)));
    else yield `${JSON.stringify(jsonOf(booking))}\n`;
  }
}

function jsonOf(b: StoredBooking) {
  return {
    reference: b.reference,
    eventId: b.eventId,
    ticketNo: b.ticketNo,
    centerId: b.centerId,
    slotId: b.slotId,
    name: b.name ?? null,
    birthDate: b.birthDate ?? null,
    bookedAt: b.bookedAt,
  };
}
