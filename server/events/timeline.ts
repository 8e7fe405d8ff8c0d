/**
 * An event's schedule as plain text, in the event's time zone: the moments
 * something opens or closes, who may join and book between them, and the
 * state at one instant. Built on the windows eligibility.ts decides with, so
 * the preview shows what the running code will do.
 */
import { formatInstant, formatLocal } from '../../shared/time/zoned-time.js';
import type { Cohort, EventConfig } from '../config/event-schema.js';
import { cohortBookingWindow, cohortJoinWindow, eventJoinWindow, isOpen, type Window } from './eligibility.js';

export type EventPhase = 'not yet open' | 'pre-queue' | 'open' | 'closed';

export interface Moment {
  at: number;
  what: string[];
}

export interface Period {
  from: number;
  until: number;
  /** Who may join and book: cohort ids, or "everyone" for an event without cohorts. */
  join: string[];
  book: string[];
  prequeue: boolean;
}

/** Who a row of the timeline is about: one cohort, or everyone when the event has none. */
interface Group {
  name: string;
  born: string;
  join: Window;
  book: Window;
}

function groupsOf(event: EventConfig): Group[] {
  if (event.cohorts.length === 0) {
    return [{ name: 'everyone', born: 'any (no birth date asked)', join: eventJoinWindow(event), book: { opensAt: event.opensAt, closesAt: event.closesAt } }];
  }
  return event.cohorts.map((cohort: Cohort) => ({
    name: cohort.id,
    born: `${cohort.born.from}..${cohort.born.to}`,
    join: cohortJoinWindow(event, cohort),
    book: cohortBookingWindow(event, cohort),
  }));
}

export function phaseAt(event: EventConfig, now: number): EventPhase {
  if (now >= event.closesAt) return 'closed';
  if (now >= event.opensAt) return 'open';
  return now >= eventJoinWindow(event).opensAt ? 'pre-queue' : 'not yet open';
}

/** Every instant at which who may join or book changes, in order, with what happens then. */
export function moments(event: EventConfig): Moment[] {
  const byTime = new Map<number, string[]>();
  const add = (at: number, what: string) => byTime.set(at, [...(byTime.get(at) ?? []), what]);
  if (event.prequeueOpensAt !== null) add(event.prequeueOpensAt, 'pre-queue opens');
  add(event.opensAt, 'event opens');
  for (const cohort of event.cohorts) {
    add(cohort.opensAt, `cohort ${cohort.id} opens`);
    add(cohort.closesAt, `cohort ${cohort.id} closes`);
  }
  add(event.closesAt, 'event closes');
  return [...byTime.entries()].sort(([a], [b]) => a - b).map(([at, what]) => ({ at, what }));
}

/** The spans between consecutive moments; who may join and book is constant within each. */
export function periods(event: EventConfig): Period[] {
  const times = moments(event).map((moment) => moment.at);
  const groups = groupsOf(event);
  return times.slice(0, -1).map((from, index) => ({
    from,
    until: times[index + 1]!,
    join: groups.filter((group) => isOpen(group.join, from)).map((group) => group.name),
    book: groups.filter((group) => isOpen(group.book, from)).map((group) => group.name),
    prequeue: from < event.opensAt,
  }));
}

export function renderTimeline(event: EventConfig): string {
  const zone = event.timeZone;
  const local = (at: number) => formatLocal(at, zone);
  const lines = [...heading(event), ''];
  lines.push(...table([['Cohort', 'Born', 'Joins', 'Books'], ...groupsOf(event).map((g) => [g.name, g.born, span(g.join, zone), span(g.book, zone)])]), '');
  lines.push(...table([['When', 'What'], ...moments(event).map((m) => [local(m.at), m.what.join('; ')])]), '');
  const rows = periods(event).map((p) => [local(p.from), local(p.until), names(p.join, p.prequeue), names(p.book, false)]);
  lines.push(`Before ${local(eventJoinWindow(event).opensAt)}: not open yet, nobody may join or book.`);
  lines.push(...table([['From', 'Until', 'May join', 'May book'], ...rows]));
  lines.push(`From ${local(event.closesAt)} on: closed, nobody may join or book.`);
  return lines.join('\n');
}

export function renderStateAt(event: EventConfig, now: number): string {
  const zone = event.timeZone;
  const lines = [...heading(event), `At ${formatInstant(now, zone)}: ${phaseText(event, now)}`, ''];
  const rows = groupsOf(event).map((group) => [
    group.name,
    group.born,
    mayText(group.join, now, zone, now < event.opensAt),
    mayText(group.book, now, zone, false),
  ]);
  lines.push(...table([['Cohort', 'Born', 'May join', 'May book'], ...rows]));
  return lines.join('\n');
}

function heading(event: EventConfig): string[] {
  const title = event.title.en === event.title.ko ? event.title.en : `${event.title.en} / ${event.title.ko}`;
  return [`${event.id}: ${title}`, `Times in ${event.timeZone}; a window includes its start, not its end.`];
}

function phaseText(event: EventConfig, now: number): string {
  const zone = event.timeZone;
  switch (phaseAt(event, now)) {
    case 'not yet open':
      return `not yet open (${event.prequeueOpensAt !== null ? 'pre-queue opens' : 'opens'} at ${formatLocal(eventJoinWindow(event).opensAt, zone)})`;
    case 'pre-queue':
      return `pre-queue (opens at ${formatLocal(event.opensAt, zone)})`;
    case 'open':
      return `open (closes at ${formatLocal(event.closesAt, zone)})`;
    case 'closed':
      return `closed (since ${formatLocal(event.closesAt, zone)})`;
  }
}

function mayText(window: Window, now: number, zone: string, prequeue: boolean): string {
  if (isOpen(window, now)) return prequeue ? 'yes, into the pre-queue' : 'yes';
  if (now < window.opensAt) return `no, from ${formatLocal(window.opensAt, zone)}`;
  return `no, closed at ${formatLocal(window.closesAt, zone)}`;
}

function span(window: Window, zone: string): string {
  return `${formatLocal(window.opensAt, zone)} → ${formatLocal(window.closesAt, zone)}`;
}

function names(list: string[], prequeue: boolean): string {
  if (list.length === 0) return 'nobody';
  return list.join(', ') + (prequeue ? ' (pre-queue)' : '');
}

/** Rows as columns padded to their widest cell, two spaces apart, indented. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd());
}
