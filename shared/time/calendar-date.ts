/**
 * Calendar dates written `YYYY-MM-DD` (birth dates, birth-range ends). Such
 * texts sort in date order as plain strings, so comparisons are string comparisons.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is `YYYY-MM-DD` naming a day that exists (no 1969-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The day after a valid calendar date. */
export function nextDay(date: string): string {
  return shiftDays(date, 1);
}

/** The day before a valid calendar date. */
export function previousDay(date: string): string {
  return shiftDays(date, -1);
}

function shiftDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const shifted = new Date(Date.UTC(year, month - 1, day + days));
  return `${String(shifted.getUTCFullYear()).padStart(4, '0')}-${pad2(shifted.getUTCMonth() + 1)}-${pad2(shifted.getUTCDate())}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
