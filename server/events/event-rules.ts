/**
 * The checks an event must pass before it goes live, beyond the shape of each
 * field: windows in order, cohorts that neither contradict each other nor leave
 * anyone out, and no birth date whose eligibility has a hole in it (the
 * 03:00–09:00 incident). Each returns problems with the JSON path to fix.
 *
 * Windows are half-open [opensAt, closesAt); birth ranges include both ends.
 */
import { nextDay, previousDay } from '../../shared/time/calendar-date.js';
import { formatInstant, formatIsoOffset, formatLocal } from '../../shared/time/zoned-time.js';

export interface Problem {
  path: (string | number)[];
  message: string;
}

/** The event's times that could be read; undefined where the field itself is wrong (reported on its own). */
export interface EventTimes {
  prequeueOpensAt?: number | undefined;
  opensAt?: number | undefined;
  closesAt?: number | undefined;
}

/** A cohort whose birth range and window could be read, with its place in `cohorts`. */
export interface CohortSpan {
  index: number;
  id: string;
  from: string;
  to: string;
  opensAt: number;
  closesAt: number;
}

export function eventWindowProblems(times: EventTimes, zone: string): Problem[] {
  const { prequeueOpensAt, opensAt, closesAt } = times;
  const problems: Problem[] = [];
  if (prequeueOpensAt !== undefined && opensAt !== undefined && prequeueOpensAt >= opensAt) {
    problems.push({
      path: ['prequeueOpensAt'],
      message: `prequeueOpensAt must be before opensAt: the pre-queue opens at ${formatInstant(prequeueOpensAt, zone)}, the event at ${formatInstant(opensAt, zone)}; move the pre-queue earlier or leave it out`,
    });
  }
  if (opensAt !== undefined && closesAt !== undefined && closesAt <= opensAt) {
    problems.push({
      path: ['closesAt'],
      message: `closesAt must be after opensAt: the event opens at ${formatInstant(opensAt, zone)} and closes at ${formatInstant(closesAt, zone)}`,
    });
  }
  return problems;
}

/**
 * A cohort's window must be non-empty and inside the event's. Only the ends
 * the cohort sets itself are its problems; inherited ones are the event's.
 */
export function cohortWindowProblems(
  index: number,
  window: EventTimes,
  own: { opensAt: boolean; closesAt: boolean },
  event: EventTimes,
  zone: string,
): Problem[] {
  const problems: Problem[] = [];
  if (!own.opensAt && !own.closesAt) return problems;
  const { opensAt, closesAt } = window;
  const at = (field: string) => ['cohorts', index, field];
  if (opensAt !== undefined && event.opensAt !== undefined && opensAt < event.opensAt) {
    problems.push({
      path: at('opensAt'),
      message: `the cohort opens at ${formatInstant(opensAt, zone)}, before the event opens (${formatInstant(event.opensAt, zone)}); open it at or after the event's opensAt`,
    });
  }
  if (closesAt !== undefined && event.closesAt !== undefined && closesAt > event.closesAt) {
    problems.push({
      path: at('closesAt'),
      message: `the cohort closes at ${formatInstant(closesAt, zone)}, after the event closes (${formatInstant(event.closesAt, zone)}); close it at or before the event's closesAt`,
    });
  }
  if (opensAt !== undefined && closesAt !== undefined && closesAt <= opensAt) {
    problems.push({
      path: at(own.closesAt ? 'closesAt' : 'opensAt'),
      message: `the cohort's closesAt must be after its opensAt: it opens at ${formatInstant(opensAt, zone)} and closes at ${formatInstant(closesAt, zone)}`,
    });
  }
  return problems;
}

function bornText(from: string, to: string): string {
  return from === to ? from : `${from}..${to}`;
}

/** Two cohorts that take the same person at the same time leave it undefined which one applies. */
export function contradictions(cohorts: CohortSpan[], zone: string): Problem[] {
  const problems: Problem[] = [];
  cohorts.forEach((b, j) => {
    for (const a of cohorts.slice(0, j)) {
      const bornOverlap = a.from <= b.to && b.from <= a.to;
      const windowOverlap = a.opensAt < b.closesAt && b.opensAt < a.closesAt;
      if (!bornOverlap || !windowOverlap) continue;
      const [from, to] = [a.from > b.from ? a.from : b.from, a.to < b.to ? a.to : b.to];
      const [opens, closes] = [Math.max(a.opensAt, b.opensAt), Math.min(a.closesAt, b.closesAt)];
      problems.push({
        path: ['cohorts', b.index, 'born'],
        message:
          `cohort "${b.id}" and cohort "${a.id}" (cohorts.${a.index}) both take people born ${bornText(from, to)} ` +
          `from ${formatLocal(opens, zone)} to ${formatInstant(closes, zone)}: a person must fall in one cohort at a time; ` +
          `make their birth ranges or their windows not overlap`,
      });
    }
  });
  return problems;
}

/** Birth dates between cohorts that no cohort takes: people silently turned away, unless allowCohortGaps says it is meant. */
export function birthGaps(cohorts: CohortSpan[]): Problem[] {
  const problems: Problem[] = [];
  const sorted = [...cohorts].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  let reach = sorted[0];
  for (const next of sorted.slice(1)) {
    if (!reach) break;
    if (next.from > nextDay(reach.to)) {
      problems.push({
        path: ['cohorts', next.index, 'born', 'from'],
        message:
          `nobody born ${bornText(nextDay(reach.to), previousDay(next.from))} is eligible: cohort "${reach.id}" ends with ${reach.to} and cohort "${next.id}" starts with ${next.from}; ` +
          `widen a birth range to close the gap, or set "allowCohortGaps": true if leaving them out is intended`,
      });
    }
    if (next.to > reach.to) reach = next;
  }
  return problems;
}

/**
 * A birth date whose cohorts' windows leave a hole between the first opening
 * and the last closing: its people are refused in between. Birth dates with
 * the same cohorts are checked together, so each hole is reported once.
 */
export function eligibilityHoles(cohorts: CohortSpan[], zone: string): Problem[] {
  const holes = new Map<string, { path: Problem['path']; born: string[]; text: string }>();
  for (const segment of birthSegments(cohorts)) {
    const windows = [...segment.members].sort((a, b) => a.opensAt - b.opensAt);
    let last = windows[0]!;
    for (const next of windows.slice(1)) {
      if (next.opensAt > last.closesAt) {
        const key = `${last.index}:${next.index}`;
        const hole = holes.get(key) ?? { path: ['cohorts', next.index, 'opensAt'], born: [], text: holeText(last, next, zone) };
        hole.born.push(bornText(segment.from, segment.to));
        holes.set(key, hole);
      }
      if (next.closesAt > last.closesAt) last = next;
    }
  }
  return [...holes.values()].map((hole) => ({ path: hole.path, message: `people born ${joinRanges(hole.born)} ${hole.text}` }));
}

function holeText(before: CohortSpan, after: CohortSpan, zone: string): string {
  return (
    `can neither join nor book from ${formatLocal(before.closesAt, zone)} to ${formatInstant(after.opensAt, zone)}: ` +
    `cohort "${before.id}" closes at the start of that hole and cohort "${after.id}" opens at its end; ` +
    `let one window end where the next begins (e.g. set the closesAt of "${before.id}" to ${formatIsoOffset(after.opensAt, zone)})`
  );
}

/** Consecutive birth ranges written as one: 1969-01-01..1969-12-31 and 1970-01-01..1971-12-31 → 1969-01-01..1971-12-31. */
function joinRanges(ranges: string[]): string {
  const merged: [string, string][] = [];
  for (const range of ranges) {
    const [from, to = from] = range.split('..') as [string, string?];
    const previous = merged[merged.length - 1];
    if (previous && nextDay(previous[1]) === from) previous[1] = to;
    else merged.push([from, to]);
  }
  return merged.map(([from, to]) => bornText(from, to)).join(', ');
}

/** The birth axis cut where any cohort starts or ends: within a segment, everyone has the same cohorts. */
function birthSegments(cohorts: CohortSpan[]): { from: string; to: string; members: CohortSpan[] }[] {
  const cuts = [...new Set(cohorts.flatMap((cohort) => [cohort.from, nextDay(cohort.to)]))].sort();
  const segments = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const from = cuts[k]!;
    const members = cohorts.filter((cohort) => cohort.from <= from && from <= cohort.to);
    if (members.length > 0) segments.push({ from, to: previousDay(cuts[k + 1]!), members });
  }
  return segments;
}
