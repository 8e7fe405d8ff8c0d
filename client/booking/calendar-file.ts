/**
 * A booking as an iCalendar file (RFC 5545) a phone's or desktop's calendar
 * imports: one VEVENT with a stable UID (so importing it twice updates rather
 * than doubles it), times in UTC, TEXT values escaped (§3.3.11), lines ending
 * in CRLF and folded at 75 octets without splitting a UTF-8 character (§3.1).
 */
export interface CalendarEntry {
  /** Unique and stable for the booking, e.g. its reference @ the site. */
  uid: string;
  /** When the file is made (DTSTAMP). */
  stampedAt: number;
  startsAt: number;
  /** Absent: the event is a point in time (§3.6.1: no DTEND, no DURATION). */
  endsAt: number | null;
  summary: string;
  location: string | null;
  description: string;
}

/** `20210726T000000Z`: a DATE-TIME in UTC (FORM #2, §3.3.5). */
export function utcDateTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** A TEXT value (§3.3.11): backslash, semicolon, comma and line breaks escaped. */
export function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

const MAX_OCTETS = 75;
const encoder = new TextEncoder();

/** One content line folded (§3.1): at most 75 octets a line, continuations start with a space. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    // A continuation's leading space counts against its 75 octets.
    if (octets + size > MAX_OCTETS) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n');
}

export function calendarFile(entry: CalendarEntry): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Waitroom//Booking confirmation//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${escapeText(entry.uid)}`,
    `DTSTAMP:${utcDateTime(entry.stampedAt)}`,
    `DTSTART:${utcDateTime(entry.startsAt)}`,
    ...(entry.endsAt === null ? [] : [`DTEND:${utcDateTime(entry.endsAt)}`]),
    `SUMMARY:${escapeText(entry.summary)}`,
    ...(entry.location === null ? [] : [`LOCATION:${escapeText(entry.location)}`]),
    `DESCRIPTION:${escapeText(entry.description)}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
