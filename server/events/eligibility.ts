/**
 * Who may join the queue and who may book, when: pure functions of an
 * event's config, a birth date and an instant. The gateway asks at join, the
 * reservation handler at booking. Rules (docs/events.md):
 *
 * - Windows are half-open: open from opensAt inclusive until closesAt exclusive.
 *   Birth ranges include both ends.
 * - Joining runs from prequeueOpensAt (or opensAt without a pre-queue) until
 *   closesAt; before opensAt a joiner is in the pre-queue.
 * - With cohorts, the birth date must fall in a cohort whose window is open.
 *   A cohort that opens with the event also joins during the event's pre-queue;
 *   a cohort that opens later joins from its own opensAt.
 * - Booking needs the event's window and the cohort's window open (no pre-queue).
 */
import { isCalendarDate } from '../../shared/time/calendar-date.js';
import { formatInstant } from '../../shared/time/zoned-time.js';
import type { Cohort, EventConfig } from '../config/event-schema.js';

export { isCalendarDate };

export type EligibilityRefusal = {
  ok: false;
  code: 'EVENT_NOT_OPEN_YET' | 'EVENT_CLOSED' | 'BIRTH_DATE_REQUIRED' | 'NOT_ELIGIBLE' | 'COHORT_NOT_OPEN_YET' | 'COHORT_CLOSED';
  message: string;
  /** When this person's window opens, for "your window opens at …". */
  opensAt?: number;
};

export type JoinDecision = { ok: true; cohort: Cohort | null; prequeue: boolean } | EligibilityRefusal;
export type BookingDecision = { ok: true; cohort: Cohort | null } | EligibilityRefusal;

/** A half-open interval of instants: [opensAt, closesAt). */
export interface Window {
  opensAt: number;
  closesAt: number;
}

export function isOpen(window: Window, now: number): boolean {
  return window.opensAt <= now && now < window.closesAt;
}

/** When joining is possible for the whole event: from the pre-queue, if any, until closing. */
export function eventJoinWindow(event: EventConfig): Window {
  return { opensAt: event.prequeueOpensAt ?? event.opensAt, closesAt: event.closesAt };
}

/** When a cohort's people may join: a cohort opening with the event shares the event's pre-queue. */
export function cohortJoinWindow(event: EventConfig, cohort: Cohort): Window {
  const opensAt = cohort.opensAt === event.opensAt ? eventJoinWindow(event).opensAt : cohort.opensAt;
  return { opensAt, closesAt: Math.min(cohort.closesAt, event.closesAt) };
}

/** When a cohort's people may book: its own window, within the event's. */
export function cohortBookingWindow(event: EventConfig, cohort: Cohort): Window {
  return { opensAt: Math.max(cohort.opensAt, event.opensAt), closesAt: Math.min(cohort.closesAt, event.closesAt) };
}

/** The cohorts whose birth range includes `birthDate` (both ends included). */
export function cohortsOf(event: EventConfig, birthDate: string): Cohort[] {
  return event.cohorts.filter((cohort) => cohort.born.from <= birthDate && birthDate <= cohort.born.to);
}

export function joinDecision(event: EventConfig, birthDate: string | undefined, now: number): JoinDecision {
  const window = eventJoinWindow(event);
  const cohorts = birthDate !== undefined && isCalendarDate(birthDate) ? cohortsOf(event, birthDate) : [];
  if (now >= window.closesAt) return closed(event);
  if (now < window.opensAt)
    return notOpenYet(
      event,
      'joining',
      nextOpening(
        cohorts.map((c) => cohortJoinWindow(event, c)),
        now,
      ) ?? window.opensAt,
    );
  const prequeue = now < event.opensAt;
  if (event.cohorts.length === 0) return { ok: true, cohort: null, prequeue };
  const decided = decideCohort(event, birthDate, cohorts, now, (cohort) => cohortJoinWindow(event, cohort), 'join');
  return decided.ok ? { ok: true, cohort: decided.cohort, prequeue } : decided;
}

export function bookingDecision(event: EventConfig, birthDate: string, now: number): BookingDecision {
  const cohorts = isCalendarDate(birthDate) ? cohortsOf(event, birthDate) : [];
  if (now >= event.closesAt) return closed(event);
  if (now < event.opensAt)
    return notOpenYet(
      event,
      'booking',
      nextOpening(
        cohorts.map((c) => cohortBookingWindow(event, c)),
        now,
      ) ?? event.opensAt,
    );
  if (event.cohorts.length === 0) return { ok: true, cohort: null };
  return decideCohort(event, birthDate, cohorts, now, (cohort) => cohortBookingWindow(event, cohort), 'book');
}

/** The event's window is open: does the person's cohort let them in now? */
function decideCohort(
  event: EventConfig,
  birthDate: string | undefined,
  cohorts: Cohort[],
  now: number,
  windowOf: (cohort: Cohort) => Window,
  verb: 'join' | 'book',
): { ok: true; cohort: Cohort } | EligibilityRefusal {
  if (birthDate === undefined || !isCalendarDate(birthDate)) {
    const given = birthDate === undefined ? 'no birth date was given' : `"${birthDate}" is not a calendar date`;
    return { ok: false, code: 'BIRTH_DATE_REQUIRED', message: `This event is for certain birth dates: ${given}; give it as YYYY-MM-DD.` };
  }
  if (cohorts.length === 0) {
    return { ok: false, code: 'NOT_ELIGIBLE', message: `People born ${birthDate} are not eligible for this event.` };
  }
  const open = cohorts.find((cohort) => isOpen(windowOf(cohort), now));
  if (open) return { ok: true, cohort: open };
  const opensAt = nextOpening(cohorts.map(windowOf), now);
  if (opensAt !== undefined) {
    return {
      ok: false,
      code: 'COHORT_NOT_OPEN_YET',
      message: `You may ${verb} from ${formatInstant(opensAt, event.timeZone)}: your window opens then.`,
      opensAt,
    };
  }
  const closedAt = Math.max(...cohorts.map((cohort) => windowOf(cohort).closesAt));
  return { ok: false, code: 'COHORT_CLOSED', message: `Your window closed at ${formatInstant(closedAt, event.timeZone)}.` };
}

/** The earliest opening after `now` among windows, if any. */
function nextOpening(windows: Window[], now: number): number | undefined {
  const later = windows.filter((window) => window.opensAt > now && window.opensAt < window.closesAt).map((window) => window.opensAt);
  return later.length > 0 ? Math.min(...later) : undefined;
}

function notOpenYet(event: EventConfig, what: 'joining' | 'booking', opensAt: number): EligibilityRefusal {
  return { ok: false, code: 'EVENT_NOT_OPEN_YET', message: `Not open yet: ${what} opens at ${formatInstant(opensAt, event.timeZone)}.`, opensAt };
}

function closed(event: EventConfig): EligibilityRefusal {
  return { ok: false, code: 'EVENT_CLOSED', message: `This event closed at ${formatInstant(event.closesAt, event.timeZone)}.` };
}
