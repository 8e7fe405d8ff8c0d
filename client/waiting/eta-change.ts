/**
 * The waiting page's estimate, as a person should read it: rounded so it
 * does not jitter (shownWaitMinutes, ../i18n/format.ts), the admission rate
 * in whole people a minute from 2 up, and a rise of the estimate explained rather than shown without
 * a word — "the admissions slowed down" when the rate fell with it, or that
 * estimates move with the rate when it did not.
 */
import { shownWaitMinutes } from '../i18n/index.js';

export type EtaChange = 'slower' | 'longer';

/** People a minute as shown: whole from 2 up ("분당 4.9명" read as precision the figure does not have), one decimal below. */
export function shownRate(perMinute: number): number {
  return perMinute >= 2 ? Math.round(perMinute) : Math.round(perMinute * 10) / 10;
}

/** How long an explanation stays on the page after the rise it explains. */
export const EXPLAIN_FOR_MS = 120_000;
/** A rise worth explaining: the estimate by at least this factor, and what is shown by at least this many minutes. */
const RISE_FACTOR = 1.5;
const RISE_MINUTES = 2;
/** The rate counts as fallen below this share of what it was at the last estimate. */
const SLOWER_SHARE = 0.8;

export class EtaChangeWatch {
  private last: { seconds: number; minutes: number; rate: number } | null = null;
  private shown: { kind: EtaChange; until: number } | null = null;

  /** Takes a new estimate; returns the change it starts to explain, if any (to be announced once). */
  update(seconds: number | null, ratePerMinute: number, now: number): EtaChange | null {
    if (seconds === null) return null; // paused, reconnecting: the page says why there is no estimate
    const minutes = shownWaitMinutes(seconds);
    const last = this.last;
    this.last = { seconds, minutes, rate: ratePerMinute };
    if (!last) return null;
    // The estimate itself rose by half (not only its rounding), and so did what is shown, by a few minutes.
    const rose = seconds >= Math.max(30, last.seconds) * RISE_FACTOR && minutes - last.minutes >= RISE_MINUTES;
    if (!rose) return null;
    const kind: EtaChange = ratePerMinute < last.rate * SLOWER_SHARE ? 'slower' : 'longer';
    this.shown = { kind, until: now + EXPLAIN_FOR_MS };
    return kind;
  }

  /** The explanation to show now (null once it has been up for EXPLAIN_FOR_MS, or when the estimate fell back). */
  current(now: number): EtaChange | null {
    if (this.shown && (now >= this.shown.until || (this.last && this.last.minutes === 0))) this.shown = null;
    return this.shown?.kind ?? null;
  }
}
