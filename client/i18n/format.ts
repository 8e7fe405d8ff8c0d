/** Durations, clock times and dates in a page's language. */
import type { Dictionary } from './dictionary.js';
import type { Language } from './language.js';

const LOCALES: Record<Language, string> = { ko: 'ko-KR', en: 'en-GB' };

export function localeOf(language: Language): string {
  return LOCALES[language];
}

/** "1 h 5 min", "12 min", "40 s" (Korean: "1시간 5분" …), rounded up so a wait is never shown shorter. */
export function formatDuration(seconds: number, texts: Dictionary): string {
  const total = Math.max(0, Math.ceil(seconds));
  if (total < 60) return texts.durationSeconds(total);
  const minutes = Math.ceil(total / 60);
  if (minutes < 60) return texts.durationMinutes(minutes);
  return texts.durationHoursMinutes(Math.floor(minutes / 60), minutes % 60);
}

/** A wait in the steps it is shown in: 0 (under a minute), whole minutes to 10, 5-minute steps above; never shorter. */
export function shownWaitMinutes(seconds: number): number {
  if (seconds < 60) return 0;
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 10 ? minutes : Math.ceil(minutes / 5) * 5;
}

/**
 * An estimated wait as a person should read it: "less than a minute", "7 min", "25 min", "1 h 25 min" — not
 * "40 s" (an estimate from a rate is not that precise, and "40 s" then "5 min" reads as a jump).
 */
export function formatWait(seconds: number, texts: Dictionary): string {
  const minutes = shownWaitMinutes(seconds);
  if (minutes === 0) return texts.durationUnderMinute;
  return minutes < 60 ? texts.durationMinutes(minutes) : texts.durationHoursMinutes(Math.floor(minutes / 60), minutes % 60);
}

/** "4:05" or "1:04:05": a countdown that changes every second. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** The time of day of `ms` ("오후 8:42", "20:42"), in `timeZone` (default: this device's). */
export function formatClock(ms: number, language: Language, timeZone?: string): string {
  return new Intl.DateTimeFormat(localeOf(language), { hour: 'numeric', minute: '2-digit', ...(timeZone ? { timeZone } : {}) }).format(ms);
}

/** Date and time of `ms` in the event's zone, the zone named when it is not this device's. */
export function formatDateTime(ms: number, language: Language, timeZone: string): string {
  const text = new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(ms);
  const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return deviceZone === timeZone ? text : `${text} (${timeZone})`;
}
