/**
 * Property tests of events as data: generated valid events in several zones,
 * their times written in every accepted form, checked against a reference
 * written here from the definition (docs/events.md), not from the code:
 *
 * - windows are half-open [opensAt, closesAt), birth ranges include both ends;
 * - joining runs from the pre-queue (or opensAt) to closesAt; a cohort opening
 *   with the event shares the pre-queue, a later cohort joins from its own opensAt;
 * - booking needs the event's and the cohort's window open.
 *
 * Offsets come from Intl's `longOffset` zone names, a different path through
 * Intl than shared/time/zoned-time.ts uses. The seed is fixed so a failure
 * reproduces; change SEED to explore further.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventConfig } from '../../server/config/event-schema.js';
import { bookingDecision, joinDecision, type BookingDecision, type JoinDecision } from '../../server/events/eligibility.js';
import { formatIsoOffset, formatLocal, localTimeAt, parseLocalTime, resolveLocalTime, toInstant } from '../../shared/time/zoned-time.js';

const SEED = 20210719;
const ZONES = ['Asia/Seoul', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'UTC'] as const;
const DST_ZONES = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe'] as const;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------- reference time arithmetic

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
/** Local minus UTC in ms, read from the zone's "GMT+09:00" name. */
function refOffset(zone: string, instant: number): number {
  let formatter = offsetFormatters.get(zone);
  if (!formatter) offsetFormatters.set(zone, (formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })));
  const name = formatter.formatToParts(instant).find((part) => part.type === 'timeZoneName')!.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!match) throw new Error(`unexpected zone name ${name}`);
  if (!match[1]) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * HOUR + Number(match[3]) * MINUTE);
}

/** `YYYY-MM-DDTHH:mm` (and `:ss` when asked) on the zone's wall clock. */
function refLocalText(zone: string, instant: number, seconds = false): string {
  return new Date(instant + refOffset(zone, instant)).toISOString().slice(0, seconds ? 19 : 16);
}

function refIsoText(zone: string, instant: number): string {
  const offset = refOffset(zone, instant);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / MINUTE;
  const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${new Date(instant + offset).toISOString().slice(0, 19)}${sign}${hhmm}`;
}

/** The instants whose wall clock shows the same reading as `instant`'s (one, or two at a fall-back). */
function refSameWallClock(zone: string, instant: number): number[] {
  const wall = instant + refOffset(zone, instant);
  const offsets = new Set([refOffset(zone, instant - DAY), refOffset(zone, instant), refOffset(zone, instant + DAY)]);
  return [...offsets].map((offset) => wall - offset).filter((t) => refOffset(zone, t) === wall - t);
}

interface Transition {
  zone: string;
  at: number;
  before: number;
  after: number;
}

/** Every offset change of the DST zones in 2020–2026, by a daily scan and a binary search. */
function refTransitions(): Transition[] {
  const found: Transition[] = [];
  for (const zone of DST_ZONES) {
    for (let day = Date.UTC(2020, 0, 1); day < Date.UTC(2027, 0, 1); day += DAY) {
      const [before, after] = [refOffset(zone, day), refOffset(zone, day + DAY)];
      if (before === after) continue;
      let [low, high] = [day, day + DAY];
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (refOffset(zone, middle) === before) low = middle;
        else high = middle;
      }
      found.push({ zone, at: high, before, after });
    }
  }
  return found;
}
const TRANSITIONS = refTransitions();
const GAPS = TRANSITIONS.filter((t) => t.after > t.before);

// ---------------------------------------------------------------- reference eligibility

interface SpecCohort {
  id: string;
  from: string;
  to: string;
  opensAt: number;
  closesAt: number;
  ownOpensAt: boolean;
  ownClosesAt: boolean;
}

interface Spec {
  zone: string;
  prequeueOpensAt: number | undefined;
  opensAt: number;
  closesAt: number;
  cohorts: SpecCohort[];
  allowCohortGaps: boolean;
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const isRealDate = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && dateOf(dayNumber(text)) === text;

type RefResult = { ok: true; cohort: string | null; prequeue?: boolean } | { ok: false; code: string; opensAt?: number };

function refJoin(spec: Spec, birth: string | undefined, t: number): RefResult {
  const joinFrom = spec.prequeueOpensAt ?? spec.opensAt;
  const mine =
    birth !== undefined && isRealDate(birth) ? spec.cohorts.filter((c) => dayNumber(c.from) <= dayNumber(birth) && dayNumber(birth) <= dayNumber(c.to)) : [];
  const startOf = (c: SpecCohort) => (c.opensAt === spec.opensAt ? joinFrom : c.opensAt);
  if (t >= spec.closesAt) return { ok: false, code: 'EVENT_CLOSED' };
  if (t < joinFrom) {
    const later = mine.map(startOf).filter((s) => s > t);
    return { ok: false, code: 'EVENT_NOT_OPEN_YET', opensAt: later.length ? Math.min(...later) : joinFrom };
  }
  if (spec.cohorts.length === 0) return { ok: true, cohort: null, prequeue: t < spec.opensAt };
  if (birth === undefined || !isRealDate(birth)) return { ok: false, code: 'BIRTH_DATE_REQUIRED' };
  if (mine.length === 0) return { ok: false, code: 'NOT_ELIGIBLE' };
  const open = mine.find((c) => startOf(c) <= t && t < c.closesAt);
  if (open) return { ok: true, cohort: open.id, prequeue: t < spec.opensAt };
  const later = mine.map(startOf).filter((s) => s > t);
  return later.length ? { ok: false, code: 'COHORT_NOT_OPEN_YET', opensAt: Math.min(...later) } : { ok: false, code: 'COHORT_CLOSED' };
}

function refBook(spec: Spec, birth: string, t: number): RefResult {
  const mine = isRealDate(birth) ? spec.cohorts.filter((c) => dayNumber(c.from) <= dayNumber(birth) && dayNumber(birth) <= dayNumber(c.to)) : [];
  if (t >= spec.closesAt) return { ok: false, code: 'EVENT_CLOSED' };
  if (t < spec.opensAt) {
    const later = mine.map((c) => c.opensAt).filter((s) => s > t);
    return { ok: false, code: 'EVENT_NOT_OPEN_YET', opensAt: later.length ? Math.min(...later) : spec.opensAt };
  }
  if (spec.cohorts.length === 0) return { ok: true, cohort: null };
  if (!isRealDate(birth)) return { ok: false, code: 'BIRTH_DATE_REQUIRED' };
  if (mine.length === 0) return { ok: false, code: 'NOT_ELIGIBLE' };
  const open = mine.find((c) => c.opensAt <= t && t < c.closesAt);
  if (open) return { ok: true, cohort: open.id };
  const later = mine.map((c) => c.opensAt).filter((s) => s > t);
  return later.length ? { ok: false, code: 'COHORT_NOT_OPEN_YET', opensAt: Math.min(...later) } : { ok: false, code: 'COHORT_CLOSED' };
}

/** The decision in the reference's terms, to compare field by field. */
function simplify(decision: JoinDecision | BookingDecision): RefResult {
  if (decision.ok) return { ok: true, cohort: decision.cohort?.id ?? null, ...('prequeue' in decision ? { prequeue: decision.prequeue } : {}) };
  return { ok: false, code: decision.code, ...(decision.opensAt !== undefined ? { opensAt: decision.opensAt } : {}) };
}
function withoutOpensAtUnlessAsked(result: RefResult): RefResult {
  // The reference names opensAt only for the two "not open yet" codes; other refusals may carry none.
  return !result.ok && result.code !== 'EVENT_NOT_OPEN_YET' && result.code !== 'COHORT_NOT_OPEN_YET' ? { ok: false, code: result.code } : result;
}

// ---------------------------------------------------------------- generated valid events

const fraction = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true }));
const cohortShape = fc.record({ ownWindow: fc.boolean(), start: fraction, length: fraction, split: fc.boolean(), splitAt: fraction });

const specArbitrary = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    opensAtMinute: fc.integer({ min: Date.UTC(2020, 0, 1) / MINUTE, max: Date.UTC(2026, 11, 1) / MINUTE }),
    durationMinutes: fc.integer({ min: 2, max: 10 * 24 * 60 }),
    prequeueMinutes: fc.option(fc.integer({ min: 1, max: 180 }), { nil: undefined }),
    firstBirthDay: fc.integer({ min: dayNumber('1930-01-01'), max: dayNumber('2010-01-01') }),
    birthLengths: fc.array(fc.integer({ min: 1, max: 1500 }), { maxLength: 4 }),
    shapes: fc.array(cohortShape, { minLength: 4, maxLength: 4 }),
    dropMiddle: fc.boolean(),
  })
  .map(buildSpec);

function buildSpec(input: {
  zone: string;
  opensAtMinute: number;
  durationMinutes: number;
  prequeueMinutes: number | undefined;
  firstBirthDay: number;
  birthLengths: number[];
  shapes: { ownWindow: boolean; start: number; length: number; split: boolean; splitAt: number }[];
  dropMiddle: boolean;
}): Spec {
  const opensAt = input.opensAtMinute * MINUTE;
  const duration = input.durationMinutes;
  const closesAt = opensAt + duration * MINUTE;
  const cohorts: SpecCohort[] = [];
  let day = input.firstBirthDay;
  input.birthLengths.forEach((length, index) => {
    const [from, to] = [dateOf(day), dateOf(day + length - 1)];
    day += length;
    const shape = input.shapes[index]!;
    // A window of whole minutes inside the event's: [a, b) minutes after opensAt.
    const a = shape.ownWindow ? Math.min(duration - 1, Math.floor(shape.start * duration)) : 0;
    const b = shape.ownWindow ? a + 1 + Math.floor(shape.length * (duration - a - 1)) : duration;
    const at = (minutes: number) => opensAt + minutes * MINUTE;
    const base = { from, to, ownOpensAt: shape.ownWindow, ownClosesAt: shape.ownWindow };
    if (shape.split && b - a >= 2) {
      // The same birth range in two cohorts whose windows meet: eligible throughout, no hole.
      const m = a + 1 + Math.min(b - a - 2, Math.floor(shape.splitAt * (b - a - 1)));
      cohorts.push({ ...base, id: `c${index}-first`, opensAt: at(a), closesAt: at(m), ownClosesAt: true });
      cohorts.push({ ...base, id: `c${index}-second`, opensAt: at(m), closesAt: at(b), ownOpensAt: true });
    } else {
      cohorts.push({ ...base, id: `c${index}`, opensAt: at(a), closesAt: at(b) });
    }
  });
  // Leaving out a middle birth range makes a gap, allowed explicitly.
  const dropped = input.dropMiddle && input.birthLengths.length >= 3 ? cohorts.filter((c) => !c.id.startsWith('c1')) : cohorts;
  return {
    zone: input.zone,
    prequeueOpensAt: input.prequeueMinutes === undefined ? undefined : opensAt - input.prequeueMinutes * MINUTE,
    opensAt,
    closesAt,
    cohorts: dropped,
    allowCohortGaps: dropped !== cohorts,
  };
}

/** Writes an instant in one of the three accepted forms; a local time only where it names one instant. */
function written(zone: string, instant: number, form: number): number | string {
  if (form % 3 === 1) return refIsoText(zone, instant);
  if (form % 3 === 2 && refSameWallClock(zone, instant).length === 1) return refLocalText(zone, instant);
  return instant;
}

function eventInput(spec: Spec, forms: number[]) {
  let next = 0;
  const write = (instant: number) => written(spec.zone, instant, forms[next++ % forms.length]!);
  return {
    id: 'generated',
    title: { ko: '생성된 행사', en: 'Generated event' },
    timeZone: spec.zone,
    ...(spec.prequeueOpensAt !== undefined ? { prequeueOpensAt: write(spec.prequeueOpensAt) } : {}),
    opensAt: write(spec.opensAt),
    closesAt: write(spec.closesAt),
    cohorts: spec.cohorts.map((c) => ({
      id: c.id,
      label: c.id,
      born: { from: c.from, to: c.to },
      ...(c.ownOpensAt ? { opensAt: write(c.opensAt) } : {}),
      ...(c.ownClosesAt ? { closesAt: write(c.closesAt) } : {}),
    })),
    allowCohortGaps: spec.allowCohortGaps,
    maxActive: 10,
    admitsPerMinute: 60,
    centers: [{ id: 'c', name: 'Center', slots: [{ id: 's', label: '09:00', capacity: 1 }] }],
  };
}

function parseSpec(spec: Spec, forms: number[]): EventConfig {
  const parsed = EventConfig.safeParse(eventInput(spec, forms));
  if (!parsed.success) throw new Error(`a valid generated event was refused: ${JSON.stringify(parsed.error.issues)}`);
  return parsed.data;
}

function boundaries(spec: Spec): number[] {
  const times = [spec.opensAt, spec.closesAt, ...spec.cohorts.flatMap((c) => [c.opensAt, c.closesAt])];
  if (spec.prequeueOpensAt !== undefined) times.push(spec.prequeueOpensAt);
  return times.flatMap((t) => [t - 1, t, t + 1]);
}

function birthDatesAround(spec: Spec): (string | undefined)[] {
  const dates = spec.cohorts.flatMap((c) => [c.from, c.to, dateOf(dayNumber(c.from) - 1), dateOf(dayNumber(c.to) + 1)]);
  return [...new Set(dates), undefined, '1970-02-30', '1970-1-1'];
}

const forms = fc.array(fc.nat(), { minLength: 1, maxLength: 12 });
const PARAMS = { seed: SEED, numRuns: 150 };

describe('eligibility of generated valid events', () => {
  it('matches the reference for every birth date near a range end, at every boundary and at random instants', () => {
    const extra = fc.record({
      instants: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 10, maxLength: 10 }),
      births: fc.array(fc.integer({ min: -40, max: 4000 }), { minLength: 5, maxLength: 5 }),
    });
    fc.assert(
      fc.property(specArbitrary, forms, extra, (spec, writtenAs, { instants, births }) => {
        const event = parseSpec(spec, writtenAs);
        const start = (spec.prequeueOpensAt ?? spec.opensAt) - HOUR;
        const end = spec.closesAt + HOUR;
        const times = [...boundaries(spec), ...instants.map((u) => Math.floor(start + u * (end - start)))];
        const firstBirth = spec.cohorts[0] ? dayNumber(spec.cohorts[0].from) : dayNumber('1960-01-01');
        const dates = [...birthDatesAround(spec), ...births.map((offset) => dateOf(firstBirth + offset))];
        for (const t of times) {
          for (const birth of dates) {
            const join = simplify(joinDecision(event, birth, t));
            expect(withoutOpensAtUnlessAsked(join), `join born ${birth} at ${t}`).toEqual(refJoin(spec, birth, t));
            if (birth === undefined) continue;
            const book = simplify(bookingDecision(event, birth, t));
            expect(withoutOpensAtUnlessAsked(book), `book born ${birth} at ${t}`).toEqual(refBook(spec, birth, t));
          }
        }
      }),
      PARAMS,
    );
  }, 120_000); // 6 s on a quiet machine; CPU-bound, so a loaded one (CI beside other suites) needs room

  it('opens each window at opensAt, not a millisecond before, and closes it at closesAt, open a millisecond before', () => {
    fc.assert(
      fc.property(specArbitrary, forms, (spec, writtenAs) => {
        const event = parseSpec(spec, writtenAs);
        if (spec.cohorts.length === 0) {
          const joinFrom = spec.prequeueOpensAt ?? spec.opensAt;
          expect(joinDecision(event, undefined, joinFrom - 1)).toMatchObject({ ok: false, code: 'EVENT_NOT_OPEN_YET', opensAt: joinFrom });
          expect(joinDecision(event, undefined, joinFrom)).toMatchObject({ ok: true, prequeue: spec.prequeueOpensAt !== undefined });
          expect(joinDecision(event, undefined, spec.closesAt - 1)).toMatchObject({ ok: true, prequeue: false });
          expect(joinDecision(event, undefined, spec.closesAt)).toMatchObject({ ok: false, code: 'EVENT_CLOSED' });
          expect(bookingDecision(event, '1970-01-01', spec.opensAt - 1)).toMatchObject({ ok: false, code: 'EVENT_NOT_OPEN_YET' });
          expect(bookingDecision(event, '1970-01-01', spec.opensAt)).toMatchObject({ ok: true });
          expect(bookingDecision(event, '1970-01-01', spec.closesAt - 1)).toMatchObject({ ok: true });
          expect(bookingDecision(event, '1970-01-01', spec.closesAt)).toMatchObject({ ok: false, code: 'EVENT_CLOSED' });
          return;
        }
        for (const cohort of spec.cohorts) {
          const cohortOf = (decision: JoinDecision | BookingDecision) => (decision.ok ? decision.cohort?.id : undefined);
          const joinFrom = cohort.opensAt === spec.opensAt ? (spec.prequeueOpensAt ?? spec.opensAt) : cohort.opensAt;
          for (const birth of [cohort.from, cohort.to]) {
            expect(cohortOf(joinDecision(event, birth, joinFrom - 1))).not.toBe(cohort.id);
            expect(cohortOf(joinDecision(event, birth, joinFrom))).toBe(cohort.id);
            expect(cohortOf(joinDecision(event, birth, cohort.closesAt - 1))).toBe(cohort.id);
            expect(cohortOf(joinDecision(event, birth, cohort.closesAt))).not.toBe(cohort.id);
            expect(cohortOf(bookingDecision(event, birth, cohort.opensAt - 1))).not.toBe(cohort.id);
            expect(cohortOf(bookingDecision(event, birth, cohort.opensAt))).toBe(cohort.id);
            expect(cohortOf(bookingDecision(event, birth, cohort.closesAt - 1))).toBe(cohort.id);
            expect(cohortOf(bookingDecision(event, birth, cohort.closesAt))).not.toBe(cohort.id);
          }
          // Birth ranges include both ends, and nothing beyond them.
          for (const outside of [dateOf(dayNumber(cohort.from) - 1), dateOf(dayNumber(cohort.to) + 1)]) {
            expect(cohortOf(bookingDecision(event, outside, cohort.opensAt))).not.toBe(cohort.id);
          }
        }
      }),
      PARAMS,
    );
  });
});

describe('holes in eligibility', () => {
  it('refuses any hole between two windows of the same birth range, however short, naming it in local time', () => {
    const holed = fc.record({
      spec: specArbitrary.filter((spec) => spec.closesAt - spec.opensAt >= 3 * MINUTE),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
      holeMs: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 2 * HOUR })),
    });
    fc.assert(
      fc.property(holed, ({ spec, cut, holeMs }) => {
        const closeFirst = spec.opensAt + MINUTE + Math.floor(cut * (spec.closesAt - spec.opensAt - 2 * MINUTE));
        const openSecond = Math.min(closeFirst + holeMs, spec.closesAt - 1);
        const both = { from: '1969-01-01', to: '1971-12-31', ownOpensAt: true, ownClosesAt: true };
        const cohorts = [
          { ...both, id: 'first', opensAt: spec.opensAt, closesAt: closeFirst },
          { ...both, id: 'second', opensAt: openSecond, closesAt: spec.closesAt },
        ];
        const parsed = EventConfig.safeParse(eventInput({ ...spec, cohorts, allowCohortGaps: false }, [0]));
        expect(parsed.success).toBe(false);
        expect(parsed.error!.issues).toEqual([
          expect.objectContaining({
            path: ['cohorts', 1, 'opensAt'],
            message: expect.stringContaining(`can neither join nor book from ${formatLocal(closeFirst, spec.zone)} to ${formatLocal(openSecond, spec.zone)}`),
          }),
        ]);
      }),
      PARAMS,
    );
  });
});

describe('local times', () => {
  const localTime = fc.record({
    zone: fc.constantFrom(...ZONES),
    minute: fc.integer({ min: Date.UTC(2000, 0, 1) / MINUTE, max: Date.UTC(2030, 0, 1) / MINUTE }),
    second: fc.integer({ min: 0, max: 59 }),
  });

  it('round-trip: a local time that exists reads back as the same wall clock; one that happens twice names both instants', () => {
    fc.assert(
      fc.property(localTime, ({ zone, minute, second }) => {
        const text = new Date(minute * MINUTE + second * 1000).toISOString().slice(0, 19);
        const local = parseLocalTime(text)!;
        const resolved = resolveLocalTime(local, zone);
        const candidates = resolved.kind === 'exact' ? [resolved.instant] : resolved.kind === 'ambiguous' ? [resolved.earlier, resolved.later] : [];
        for (const instant of candidates) {
          expect(localTimeAt(instant, zone)).toEqual(local);
          expect(refLocalText(zone, instant, true)).toBe(text);
        }
        // The reference agrees on how many instants show this wall clock.
        const wall = Date.parse(`${text}Z`);
        const offsets = new Set([refOffset(zone, wall - DAY), refOffset(zone, wall + DAY)]);
        const reference = [...offsets].map((o) => wall - o).filter((t) => refOffset(zone, t) === wall - t);
        expect(candidates.sort((a, b) => a - b)).toEqual(reference.sort((a, b) => a - b));
        const read = toInstant(text, zone);
        if (resolved.kind === 'exact') expect(read).toEqual({ ok: true, instant: resolved.instant });
        else expect(read).toMatchObject({ ok: false, message: expect.stringMatching(resolved.kind === 'gap' ? /does not exist/ : /happens twice/) });
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('rejects every local time in a DST gap when validating an event, naming the field', () => {
    const inGap = fc.record({
      gap: fc.constantFrom(...GAPS),
      position: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      field: fc.constantFrom('prequeueOpensAt', 'opensAt', 'closesAt'),
    });
    expect(GAPS).toHaveLength(DST_ZONES.length * 7); // one spring-forward a year in 2020–2026
    fc.assert(
      fc.property(inGap, ({ gap, position, field }) => {
        const skippedMinutes = (gap.after - gap.before) / MINUTE;
        const wall = gap.at + gap.before + Math.floor(position * skippedMinutes) * MINUTE;
        const text = new Date(wall).toISOString().slice(0, 16);
        const around = { prequeueOpensAt: gap.at - DAY, opensAt: gap.at - DAY / 2, closesAt: gap.at + DAY };
        const input = { ...eventInput({ zone: gap.zone, ...around, cohorts: [], allowCohortGaps: false }, [0]), [field]: text };
        const parsed = EventConfig.safeParse(input);
        expect(parsed.success).toBe(false);
        expect(parsed.error!.issues).toEqual([
          expect.objectContaining({ path: [field], message: expect.stringMatching(/does not exist in .*: the clocks jump/) }),
        ]);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('formats and reads back instants around every DST transition consistently', () => {
    const near = fc.record({
      transition: fc.constantFrom(...TRANSITIONS),
      delta: fc.oneof(fc.integer({ min: -3 * HOUR, max: 3 * HOUR }), fc.constantFrom(-1, 0, 1, -MINUTE, MINUTE)),
    });
    fc.assert(
      fc.property(near, ({ transition, delta }) => {
        const { zone } = transition;
        const t = transition.at + delta;
        expect(formatIsoOffset(t, zone).slice(0, 19)).toBe(refIsoText(zone, t).slice(0, 19));
        expect(toInstant(formatIsoOffset(t, zone), zone)).toEqual({ ok: true, instant: t });
        const twice = refSameWallClock(zone, t).length > 1;
        // The offset is shown exactly when the wall-clock reading alone would name two instants.
        expect(formatLocal(t, zone).includes('UTC')).toBe(twice);
        const whole = t - (((t % 1000) + 1000) % 1000);
        const read = toInstant(refLocalText(zone, whole, true), zone);
        if (twice) expect(read).toMatchObject({ ok: false, message: expect.stringContaining(formatIsoOffset(whole, zone)) });
        else expect(read).toEqual({ ok: true, instant: whole });
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
