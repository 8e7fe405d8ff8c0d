/**
 * Asks the running code, not the config, whether the people the config says
 * may join and book right now or within the next 24 hours actually can: for
 * every window (each cohort's, or the event's when it has no cohorts) it runs
 * joinDecision and bookingDecision for representative birth dates (the
 * cohort's first day, last day and a middle day) at sampled instants: the
 * window's opening, 1 ms inside each boundary, and every 15 minutes. Any
 * refusal is what went wrong between 03:00 and 09:00 in July 2021: a schedule
 * the config allows that the code rejects.
 *
 * Runs at start-up and after every applied reload (server/main/system.ts);
 * pure apart from the clock's `now` passed in.
 */
import type { EventConfig } from '../config/event-schema.js';
import type { Logger } from '../observability/log.js';
import type { SelfCheckMetrics } from '../observability/metrics.js';
import { formatInstant } from '../../shared/time/zoned-time.js';
import { bookingDecision, joinDecision } from './eligibility.js';

export const SELF_CHECK_HORIZON_MS = 24 * 3600_000;
export const SELF_CHECK_STEP_MS = 15 * 60_000;
/** The metric label of an event's own window (an event without cohorts). */
export const WHOLE_EVENT = '*';
/** Birth dates tried for an event without cohorts, where anyone may book. */
const ANYONE = ['1940-01-01', '1971-07-01', '2003-12-31'];

export interface SelfCheckWindow {
  eventId: string;
  /** null: the event's own window (it has no cohorts). */
  cohortId: string | null;
  opensAt: number;
  closesAt: number;
  birthDates: string[];
  /** Instants tried, ascending. */
  instants: number[];
}

export interface SelfCheckRejection {
  eventId: string;
  cohortId: string | null;
  check: 'join' | 'booking';
  birthDate: string;
  instant: number;
  /** The instant on the event's wall clock, with its zone. */
  localTime: string;
  code: string;
  message: string;
}

export interface SelfCheckResult {
  /** When it ran (the clock's now). */
  at: number;
  windows: SelfCheckWindow[];
  /** Decisions asked. */
  checks: number;
  rejections: SelfCheckRejection[];
  ok: boolean;
}

export interface SelfCheckOptions {
  horizonMs?: number;
  stepMs?: number;
  /** The decisions checked: the real ones unless a test substitutes faulty code to be caught. */
  decisions?: { join: typeof joinDecision; booking: typeof bookingDecision };
}

export function runSelfCheck(events: readonly EventConfig[], now: number, options: SelfCheckOptions = {}): SelfCheckResult {
  const horizonEnd = now + (options.horizonMs ?? SELF_CHECK_HORIZON_MS);
  const step = options.stepMs ?? SELF_CHECK_STEP_MS;
  const decide = options.decisions ?? { join: joinDecision, booking: bookingDecision };
  const windows: SelfCheckWindow[] = [];
  const rejections: SelfCheckRejection[] = [];
  let checks = 0;
  for (const event of events) {
    for (const window of windowsOf(event)) {
      if (window.closesAt <= now || window.opensAt >= horizonEnd) continue;
      const instants = sampleInstants(window.opensAt, window.closesAt, now, horizonEnd, step);
      windows.push({ eventId: event.id, ...window, instants });
      for (const instant of instants) {
        if (window.cohortId === null) {
          // Without cohorts nobody has to give a birth date to join.
          checks += 1;
          const join = decide.join(event, undefined, instant);
          if (!join.ok) rejections.push(rejection(event, null, 'join', '(none)', instant, join));
        }
        for (const birthDate of window.birthDates) {
          checks += 2;
          const join = decide.join(event, birthDate, instant);
          if (!join.ok) rejections.push(rejection(event, window.cohortId, 'join', birthDate, instant, join));
          const booking = decide.booking(event, birthDate, instant);
          if (!booking.ok) rejections.push(rejection(event, window.cohortId, 'booking', birthDate, instant, booking));
        }
      }
    }
  }
  return { at: now, windows, checks, rejections, ok: rejections.length === 0 };
}

function windowsOf(event: EventConfig): Omit<SelfCheckWindow, 'eventId' | 'instants'>[] {
  if (event.cohorts.length === 0) return [{ cohortId: null, opensAt: event.opensAt, closesAt: event.closesAt, birthDates: ANYONE }];
  return event.cohorts.map((cohort) => ({
    cohortId: cohort.id,
    opensAt: cohort.opensAt,
    closesAt: cohort.closesAt,
    birthDates: [...new Set([cohort.born.from, middleDay(cohort.born.from, cohort.born.to), cohort.born.to])],
  }));
}

/** The window's part of [now, horizonEnd): its opening, 1 ms inside each end, and every `step` from its start. */
export function sampleInstants(opensAt: number, closesAt: number, now: number, horizonEnd: number, step: number): number[] {
  const from = Math.max(opensAt, now);
  const to = Math.min(closesAt, horizonEnd);
  const instants = new Set<number>([opensAt, opensAt + 1, closesAt - 1]);
  for (let t = from; t < to; t += step) instants.add(t);
  return [...instants].filter((t) => t >= from && t < to && t < closesAt).sort((a, b) => a - b);
}

function middleDay(from: string, to: string): string {
  const middle = (Date.parse(`${from}T00:00:00Z`) + Date.parse(`${to}T00:00:00Z`)) / 2;
  return new Date(Math.floor(middle / 86_400_000) * 86_400_000).toISOString().slice(0, 10);
}

function rejection(
  event: EventConfig,
  cohortId: string | null,
  check: 'join' | 'booking',
  birthDate: string,
  instant: number,
  decision: { code: string; message: string },
): SelfCheckRejection {
  return {
    eventId: event.id,
    cohortId,
    check,
    birthDate,
    instant,
    localTime: formatInstant(instant, event.timeZone),
    code: decision.code,
    message: decision.message,
  };
}

/** Sets the metrics from `result` and logs one warning per event, cohort, check and code that was refused. */
export function reportSelfCheck(result: SelfCheckResult, metrics: SelfCheckMetrics, log: Logger): void {
  metrics.runs.inc();
  metrics.rejections.reset();
  for (const window of result.windows) metrics.rejections.set({ event: window.eventId, cohort: window.cohortId ?? WHOLE_EVENT }, 0);
  const groups = new Map<string, SelfCheckRejection[]>();
  for (const r of result.rejections) {
    metrics.rejections.inc({ event: r.eventId, cohort: r.cohortId ?? WHOLE_EVENT });
    const key = [r.eventId, r.cohortId, r.check, r.code].join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const group of groups.values()) {
    const first = group[0]!;
    const last = group[group.length - 1]!;
    log.warn(
      {
        event: first.eventId,
        cohort: first.cohortId,
        check: first.check,
        code: first.code,
        birthDate: first.birthDate,
        firstAt: first.localTime,
        lastAt: last.localTime,
        count: group.length,
      },
      `self-check: ${first.check} refused for event "${first.eventId}"${first.cohortId ? `, cohort "${first.cohortId}"` : ''} at ${first.localTime} ` +
        `(born ${first.birthDate}): ${first.code}: ${first.message}` +
        (group.length > 1 ? ` (${group.length} refusals up to ${last.localTime})` : ''),
    );
  }
  const windows = result.windows.length;
  if (result.ok) log.info({ windows, checks: result.checks }, `self-check passed: ${windows} window(s) open now or within 24 h, ${result.checks} decisions`);
}
