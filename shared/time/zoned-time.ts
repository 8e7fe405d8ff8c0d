/**
 * Wall-clock time in IANA time zones, with `Intl` only (no time-zone library).
 *
 * An instant is milliseconds since the epoch. A local time is what a clock on
 * the wall shows in one zone; it maps to zero instants (in a daylight-saving
 * gap: the clocks skip it), one, or two (at a fall-back: it happens twice).
 * Offsets are in milliseconds, local minus UTC (+09:00 is 32_400_000).
 */
import { isCalendarDate } from './calendar-date.js';

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export type LocalResolution =
  | { kind: 'exact'; instant: number }
  /** The clocks skip this local time: at `transition` they jump from offsetBefore to offsetAfter. */
  | { kind: 'gap'; transition: number; offsetBefore: number; offsetAfter: number }
  /** This local time happens twice: first at `earlier`, again at `later`. */
  | { kind: 'ambiguous'; earlier: number; later: number };

export type InstantResult = { ok: true; instant: number } | { ok: false; message: string };

const DAY_MS = 86_400_000;
const LOCAL_TEXT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const OFFSET_TEXT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/;
export const TIME_FORMATS_HELP =
  "milliseconds since the epoch, an ISO 8601 instant with its offset (2021-07-19T20:00:00+09:00) or a local time in the event's time zone (2021-07-19T20:00)";

/** Whether the runtime knows `zone` as an IANA time zone (Intl throws a RangeError otherwise). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** The zone's canonical spelling (`asia/seoul` → `Asia/Seoul`). */
export function canonicalTimeZone(zone: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone: zone }).resolvedOptions().timeZone;
}

// Building a DateTimeFormat costs far more than using one: one per zone, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** What the wall clock in `zone` shows at `instant`. */
export function localTimeAt(instant: number, zone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of partsFormatter(zone).formatToParts(instant)) parts[part.type] = Number(part.value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
    millisecond: ((instant % 1000) + 1000) % 1000,
  };
}

/** The local time read as if it were UTC: the arithmetic form of a wall-clock reading. */
export function wallClockMs(local: LocalTime): number {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not turn years 0–99 into 1900–1999.
  date.setUTCFullYear(local.year, local.month - 1, local.day);
  date.setUTCHours(local.hour, local.minute, local.second, local.millisecond);
  return date.getTime();
}

export function offsetAt(instant: number, zone: string): number {
  return wallClockMs(localTimeAt(instant, zone)) - instant;
}

/**
 * The instants at which the wall clock in `zone` shows `local`. Candidate
 * offsets are the zone's offsets a day either side, which covers every zone
 * that does not change its offset twice within two days.
 */
export function resolveLocalTime(local: LocalTime, zone: string): LocalResolution {
  const wall = wallClockMs(local);
  const offsets = new Set([offsetAt(wall - DAY_MS, zone), offsetAt(wall, zone), offsetAt(wall + DAY_MS, zone)]);
  const instants = [...offsets]
    .map((offset) => wall - offset)
    .filter((instant) => offsetAt(instant, zone) === wall - instant)
    .sort((a, b) => a - b);
  if (instants.length === 1) return { kind: 'exact', instant: instants[0]! };
  if (instants.length > 1) return { kind: 'ambiguous', earlier: instants[0]!, later: instants[instants.length - 1]! };
  const offsetBefore = offsetAt(wall - DAY_MS, zone);
  const offsetAfter = offsetAt(wall + DAY_MS, zone);
  return { kind: 'gap', transition: findTransition(wall - offsetAfter, wall - offsetBefore, zone), offsetBefore, offsetAfter };
}

/** The first instant in (from, to] whose offset differs from the offset at `from` (binary search). */
function findTransition(from: number, to: number, zone: string): number {
  const before = offsetAt(from, zone);
  let [low, high] = [from, to];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle, zone) === before) low = middle;
    else high = middle;
  }
  return high;
}

/** Reads `YYYY-MM-DDTHH:mm` or `YYYY-MM-DDTHH:mm:ss` (no offset); null for anything else or an impossible date or time. */
export function parseLocalTime(text: string): LocalTime | null {
  const match = LOCAL_TEXT.exec(text);
  if (!match) return null;
  const local = fieldsOf(match);
  return isValidLocalTime(local, match) ? local : null;
}

/** Reads an ISO 8601 instant with `Z` or a `±HH:mm` offset; null for anything else or an impossible date or time. */
export function parseOffsetInstant(text: string): number | null {
  const match = OFFSET_TEXT.exec(text);
  if (!match) return null;
  const local = { ...fieldsOf(match), millisecond: Number((match[7] ?? '').padEnd(3, '0')) };
  if (!isValidLocalTime(local, match)) return null;
  const offsetText = match[8]!;
  if (offsetText === 'Z') return wallClockMs(local);
  const [hours, minutes] = offsetText.slice(1).split(':').map(Number) as [number, number];
  if (hours > 23 || minutes > 59) return null;
  const sign = offsetText.startsWith('-') ? -1 : 1;
  return wallClockMs(local) - sign * (hours * 3600_000 + minutes * 60_000);
}

function fieldsOf(match: RegExpExecArray): LocalTime {
  return {
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
    hour: Number(match[4]),
    minute: Number(match[5]),
    second: Number(match[6] ?? 0),
    millisecond: 0,
  };
}

function isValidLocalTime(local: LocalTime, match: RegExpExecArray): boolean {
  return isCalendarDate(`${match[1]}-${match[2]}-${match[3]}`) && local.hour <= 23 && local.minute <= 59 && local.second <= 59;
}

/**
 * Any of the accepted time forms as an instant: milliseconds, an instant with
 * an offset, or a local time read in `zone`. A local time the zone skips or
 * repeats is refused with a message naming the problem and the fix.
 */
export function toInstant(value: number | string, zone: string): InstantResult {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value > 0
      ? { ok: true, instant: value }
      : { ok: false, message: `${value} is not a time: milliseconds since the epoch must be a positive whole number` };
  }
  const withOffset = parseOffsetInstant(value);
  if (withOffset !== null) return { ok: true, instant: withOffset };
  const local = parseLocalTime(value);
  if (!local) return { ok: false, message: `"${value}" is not a time: write ${TIME_FORMATS_HELP}` };
  const resolved = resolveLocalTime(local, zone);
  if (resolved.kind === 'exact') return { ok: true, instant: resolved.instant };
  return { ok: false, message: resolved.kind === 'gap' ? gapMessage(value, zone, resolved) : ambiguousMessage(value, zone, resolved) };
}

function gapMessage(text: string, zone: string, gap: Extract<LocalResolution, { kind: 'gap' }>): string {
  const skippedFrom = localText(gap.transition + gap.offsetBefore);
  const skippedTo = localText(gap.transition + gap.offsetAfter);
  return (
    `${text} does not exist in ${zone}: the clocks jump from ${skippedFrom.time} to ${skippedTo.time} on ${skippedFrom.date}; ` +
    `use a local time before ${skippedFrom.time} or from ${skippedTo.time} on (e.g. ${skippedTo.date}T${skippedTo.time}), or an explicit offset`
  );
}

function ambiguousMessage(text: string, zone: string, twice: Extract<LocalResolution, { kind: 'ambiguous' }>): string {
  return (
    `${text} happens twice in ${zone} (the clocks go back): write the offset you mean, ` +
    `${formatIsoOffset(twice.earlier, zone)} (the first time) or ${formatIsoOffset(twice.later, zone)} (the second)`
  );
}

/** A wall-clock reading (as from wallClockMs) as date and time texts, seconds only when not zero. */
function localText(wall: number): { date: string; time: string } {
  const iso = new Date(wall).toISOString();
  const seconds = iso.slice(17, 23);
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) + (seconds === '00.000' ? '' : `:${seconds.replace(/\.000$/, '')}`) };
}

/**
 * `2021-07-19 20:00` (seconds and milliseconds only when not zero), with the
 * UTC offset added when the zone shows that reading twice, so the text names one instant.
 */
export function formatLocal(instant: number, zone: string): string {
  const local = localTimeAt(instant, zone);
  const { date, time } = localText(wallClockMs(local));
  const repeated = resolveLocalTime(local, zone).kind === 'ambiguous';
  return `${date} ${time}${repeated ? ` UTC${formatOffset(offsetAt(instant, zone))}` : ''}`;
}

/** `2021-07-19 20:00 (Asia/Seoul)`: for messages, where the zone must be named. */
export function formatInstant(instant: number, zone: string): string {
  return `${formatLocal(instant, zone)} (${zone})`;
}

/** `2021-07-19T20:00:00+09:00`: the ISO 8601 text of the instant in the zone's offset; toInstant reads it back exactly. */
export function formatIsoOffset(instant: number, zone: string): string {
  const offset = offsetAt(instant, zone);
  // Offsets with seconds (old local mean times) have no ISO ±HH:mm form: say it in UTC instead.
  if (offset % 60_000 !== 0) return new Date(instant).toISOString();
  const iso = new Date(instant + offset)
    .toISOString()
    .slice(0, 23)
    .replace(/\.000$/, '');
  return `${iso}${formatOffset(offset)}`;
}

/** `+09:00`, `-04:00`, `+10:30`. */
export function formatOffset(offset: number): string {
  const minutes = Math.round(Math.abs(offset) / 60_000);
  return `${offset < 0 ? '-' : '+'}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
