/**
 * The kiosk's words and numbers, Korean first and English beneath: a kiosk
 * has nobody to press a language switch. Formatters are made once and reused.
 */
import type { EventState } from '../../shared/protocol/messages.js';
import { dictionaries, formatDuration } from '../i18n/index.js';

export interface Bilingual {
  ko: string;
  en: string;
}

export const STATE_TEXT: Record<EventState, Bilingual> = {
  prequeue: { ko: '접수 전', en: 'Not open yet' },
  open: { ko: '입장 진행 중', en: 'Admitting' },
  paused: { ko: '입장 일시 정지', en: 'Admission paused' },
  closed: { ko: '접수 마감', en: 'Closed' },
};

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const rates = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatCount(value: number): string {
  return counts.format(value);
}

/** Whole people per minute from 10 up; one decimal below, so a slow queue does not read "0". */
export function formatRate(perMinute: number): string {
  return perMinute >= 10 ? counts.format(perMinute) : rates.format(perMinute);
}

/** The estimated wait of someone joining now, in the pages' shared duration wording. */
export function formatWait(seconds: number | null, state: EventState): Bilingual {
  if (state === 'closed') return { ko: '—', en: 'Closed' };
  if (state === 'paused') return { ko: '일시 정지 중', en: 'Paused' };
  if (seconds === null) return { ko: '계산 중', en: 'Not known yet' };
  if (seconds < 60) return { ko: '1분 미만', en: 'Under a minute' };
  return { ko: `약 ${formatDuration(seconds, dictionaries.ko)}`, en: `About ${formatDuration(seconds, dictionaries.en)}` };
}

/** How long ago, e.g. "35초 전" / "35 s ago"; whole minutes from one minute on (never rounded up). */
export function formatAgo(ms: number): Bilingual {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const shown = seconds < 60 ? seconds : Math.floor(seconds / 60) * 60;
  return { ko: `${formatDuration(shown, dictionaries.ko)} 전`, en: `${formatDuration(shown, dictionaries.en)} ago` };
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** "14:03:22" in `timeZone` (the event's): the kiosk's own zone may be set wrong, the event's is not. */
export function formatClock(ms: number, timeZone: string): string {
  let format = clocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    // Bounded: a kiosk shows one event, whose zone changes rarely if ever.
    if (clocks.size > 8) clocks.clear();
    clocks.set(timeZone, format);
  }
  return format.format(ms);
}
