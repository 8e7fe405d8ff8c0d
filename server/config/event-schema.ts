/**
 * One event's definition: when it runs, in which time zone, who may join and
 * book when (birth-date cohorts), how fast it admits, what can be booked.
 * The format, time forms and rules are described in docs/events.md.
 *
 * Windows are half-open: open from `opensAt` inclusive until `closesAt`
 * exclusive. Birth ranges include both ends. Times come in as milliseconds,
 * ISO instants with an offset, or local times in the event's zone; they come
 * out as milliseconds.
 */
import { z } from 'zod';
import { isCalendarDate } from '../../shared/time/calendar-date.js';
import { calendarDate } from '../../shared/time/calendar-date-schema.js';
import { canonicalTimeZone, isTimeZone, toInstant, TIME_FORMATS_HELP } from '../../shared/time/zoned-time.js';
import {
  birthGaps,
  cohortWindowProblems,
  contradictions,
  eligibilityHoles,
  eventWindowProblems,
  type CohortSpan,
  type EventTimes,
  type Problem,
} from '../events/event-rules.js';
import { IdentityConfig } from './identity-schema.js';

/**
 * Cross-field checks run even when some field failed its type check, so that
 * every problem is reported at once; they must therefore expect malformed input.
 */
export const ALWAYS = { when: () => true };

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and dashes, starting with a letter or digit');

/** A text people read: one string for both languages, or one per language. */
const text = z
  .union(
    [
      z.string().min(1).max(200),
      z.object({ ko: z.string().min(1).max(200).describe('The text in Korean.'), en: z.string().min(1).max(200).describe('The text in English.') }).strict(),
    ],
    {
      error: 'a text, or { "ko": "…", "en": "…" }',
    },
  )
  .transform((value) => (typeof value === 'string' ? { ko: value, en: value } : value));

/**
 * A time as written. Only its form is checked here: a local time's instant
 * depends on the event's `timeZone`, so it is resolved with the whole event.
 */
const time = z.union([z.number(), z.string()], { error: `a time: ${TIME_FORMATS_HELP}` }).superRefine((value, ctx) => {
  // UTC has no gaps or repeats, so this catches exactly the malformed texts.
  const read = toInstant(value, 'UTC');
  if (!read.ok) ctx.addIssue({ code: 'custom', message: read.message });
});

const birthDate = calendarDate;

const CohortInput = z
  .object({
    id: id.describe("The cohort's id: lowercase letters, digits and dashes."),
    label: text.describe('The cohort\'s name as people read it: one text, or { "ko", "en" }.'),
    born: z
      .object({ from: birthDate.describe('The earliest birth date taken (YYYY-MM-DD).'), to: birthDate.describe('The latest birth date taken (YYYY-MM-DD).') })
      .strict()
      .superRefine((born, ctx) => {
        if (isCalendarDate(String(born.from)) && isCalendarDate(String(born.to)) && born.from > born.to) {
          ctx.addIssue({ code: 'custom', path: ['to'], message: `born.to (${born.to}) must not be before born.from (${born.from})` });
        }
      }, ALWAYS)
      .describe('Birth dates this cohort takes, both ends included.'),
    opensAt: time.optional().describe("Defaults to the event's opensAt."),
    closesAt: time.optional().describe("Defaults to the event's closesAt."),
  })
  .strict();

export const SlotConfig = z
  .object({
    id: id.describe("The slot's id: lowercase letters, digits and dashes."),
    label: z.string().min(1).max(64).describe('The slot as people read it, e.g. a time of day.'),
    capacity: z.number().int().min(1, 'a slot needs a capacity of at least 1').describe('Bookings the slot takes.'),
    startsAt: time
      .nullish()
      .describe(
        'When the slot starts (its date and time on the confirmation and in its calendar file); absent: the confirmation shows the label only and offers no calendar file.',
      ),
    endsAt: time.nullish().describe('When the slot ends, after startsAt; absent: the calendar entry has no end (a point in time).'),
  })
  .strict();

export const CenterConfig = z
  .object({
    id: id.describe("The center's id: lowercase letters, digits and dashes."),
    name: text.describe('The center as people read it: one text, or { "ko", "en" }.'),
    address: text.nullish().describe('The center\'s address on the confirmation and in the calendar file: one text, or { "ko", "en" }; absent: not shown.'),
    slots: z.array(SlotConfig).min(1, 'a center needs at least one slot').describe('What can be booked at the center.'),
  })
  .strict()
  .superRefine((center, ctx) => reportDuplicates(center.slots, 'slots', ctx), ALWAYS);

/** A priority lane (docs/decisions/031-priority-lanes.md): people join it with a code an operator issued. */
export const LaneConfig = z
  .object({
    id: id.describe("The lane's id: lowercase letters, digits and dashes."),
    name: text.describe('The lane as people read it ("priority lane: <name>"): one text, or { "ko", "en" }.'),
    share: z
      .number()
      .gt(0)
      .max(0.5)
      .describe("The lane's share of the admissions while people wait in it (0 < share ≤ 0.5); unused share goes to the main line."),
  })
  .strict();

/** The lanes' shares together leave at least this much of the admissions to the main line. */
export const MAIN_LINE_MIN_SHARE = 0.1;

const EventInput = z
  .object({
    id: id.describe("The event's id, in URLs and the protocol: lowercase letters, digits and dashes."),
    title: text.describe('The event\'s name as people read it: one text, or { "ko", "en" }.'),
    timeZone: z
      .string()
      .refine(isTimeZone, 'an IANA time zone such as Asia/Seoul, America/New_York or UTC (this one does not exist)')
      .transform(canonicalTimeZone)
      .prefault('Asia/Seoul')
      .describe('IANA zone in which local times are read and every time is shown.'),
    prequeueOpensAt: time.optional().describe('When joining opens, before opensAt; absent: no pre-queue, joining opens at opensAt.'),
    opensAt: time.describe('When admission and booking start.'),
    closesAt: time.describe('When joining and booking end.'),
    cohorts: z.array(CohortInput).default([]).describe('Who may join and book, by birth date; empty: everyone, without giving a birth date.'),
    allowCohortGaps: z.boolean().default(false).describe('Allow birth dates between cohorts that no cohort takes.'),
    maxActive: z.number().int().min(1).describe('Admitted people whose grant is neither used nor expired, at most.'),
    admitsPerMinute: z.number().positive().max(1_000_000).describe('Admissions per minute, at most.'),
    grantTtlSeconds: z.number().int().min(10).max(3600).default(600).describe('How long an admission grant stays usable for booking, seconds.'),
    graceSeconds: z.number().int().min(0).max(3600).default(30).describe('How long a disconnected waiter keeps counting as ahead of others.'),
    ticketTtlSeconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 86400)
      .default(2 * 86400)
      .describe("How long a queue ticket (the right to resume one's place) lasts, seconds."),
    proofOfWork: z
      .object({
        difficulty: z
          .number()
          .int()
          .min(0)
          .max(32)
          .default(0)
          .describe("Leading zero bits a solution's SHA-256 must have (0: off; each bit doubles the work)."),
        challengeTtlSeconds: z.number().int().min(10).max(3600).default(120).describe('How long a proof-of-work challenge stays valid, seconds.'),
        autoRaise: z
          .object({
            joinsPerSecond: z
              .number()
              .int()
              .min(1)
              .describe('Joins of the event in one second on one gateway above which new challenges ask autoRaise.difficulty.'),
            difficulty: z.number().int().min(1).max(32).describe('The difficulty asked while the joins are above joinsPerSecond.'),
            calmSeconds: z
              .number()
              .int()
              .min(1)
              .max(3600)
              .default(60)
              .describe("Seconds the joins must stay at or below joinsPerSecond before the event's own difficulty returns."),
          })
          .strict()
          .optional()
          .describe(
            "Off when absent. A gateway that sees more than `joinsPerSecond` joins of the event in one second asks `difficulty` of new challenges (if above the event's) until joins stayed at or below it for `calmSeconds`. Per gateway (server/gateway/pow/auto-raise.ts): divide a cluster-wide rate by the gateways.",
          ),
      })
      .strict()
      .default({ difficulty: 0, challengeTtlSeconds: 120 })
      .describe(
        "Proof of work at join (docs/protocol.md §3.1.2): leading zero bits a solution's SHA-256 must have (0: off; each bit doubles the work: 14 is about 0.7 s on this 2-core desktop with WebCrypto, ~45 µs a hash, and an estimated 1–3 s on a phone), and how long a challenge stays valid.",
      ),
    centers: z.array(CenterConfig).min(1, 'an event needs at least one center').describe('The places people book at, each with its slots.'),
    lanes: z
      .array(LaneConfig)
      .max(8)
      .default([])
      .describe('Priority lanes, each with its own share of the admissions (docs/decisions/031); empty: the main line only.'),
    identity: IdentityConfig.nullish().describe(
      'Absent or null: the person is the typed name and birth date. Present: a signed identity assertion is required (./identity-schema.ts).',
    ),
  })
  .strict();
type EventInput = z.infer<typeof EventInput>;

export const EventConfig = EventInput.superRefine(checkEvent, ALWAYS).transform(resolveEvent);
export type EventConfig = z.infer<typeof EventConfig>;
export type CenterConfig = z.infer<typeof CenterConfig>;
export type Cohort = EventConfig['cohorts'][number];

/** The time a well-formed value names in `zone`, or undefined when it is malformed or the zone is unknown. */
function instantOf(value: unknown, zone: unknown): number | undefined {
  if ((typeof value !== 'number' && typeof value !== 'string') || typeof zone !== 'string' || !isTimeZone(zone)) return undefined;
  const read = toInstant(value, zone);
  return read.ok ? read.instant : undefined;
}

/** Runs on possibly malformed input (see ALWAYS): every read is guarded. */
function checkEvent(event: EventInput, ctx: z.RefinementCtx): void {
  if (typeof event !== 'object' || event === null) return;
  const report = (problems: Problem[]) => problems.forEach(({ path, message }) => ctx.addIssue({ code: 'custom', path, message }));
  reportDuplicates(event.centers, 'centers', ctx);
  reportDuplicates(event.cohorts, 'cohorts', ctx);
  reportDuplicates(event.lanes, 'lanes', ctx);
  report(laneShareProblems(event.lanes));
  const zone = typeof event.timeZone === 'string' && isTimeZone(event.timeZone) ? event.timeZone : null;
  if (!zone) return; // every time below depends on the zone, whose problem is already reported
  report(zoneProblems(event, zone));
  const times: EventTimes = {
    prequeueOpensAt: instantOf(event.prequeueOpensAt, zone),
    opensAt: instantOf(event.opensAt, zone),
    closesAt: instantOf(event.closesAt, zone),
  };
  report(eventWindowProblems(times, zone));
  const cohorts = Array.isArray(event.cohorts) ? event.cohorts : [];
  const spans: CohortSpan[] = [];
  cohorts.forEach((cohort, index) => {
    const window = {
      opensAt: cohort?.opensAt === undefined ? times.opensAt : instantOf(cohort.opensAt, zone),
      closesAt: cohort?.closesAt === undefined ? times.closesAt : instantOf(cohort.closesAt, zone),
    };
    const own = { opensAt: cohort?.opensAt !== undefined, closesAt: cohort?.closesAt !== undefined };
    report(cohortWindowProblems(index, window, own, times, zone));
    const span = spanOf(cohort, index, window);
    if (span) spans.push(span);
  });
  report(slotProblems(event.centers, zone));
  report(contradictions(spans, zone));
  report(eligibilityHoles(spans, zone));
  if (event.allowCohortGaps !== true) report(birthGaps(spans));
}

/** The lanes' shares must leave the main line at least MAIN_LINE_MIN_SHARE. */
function laneShareProblems(lanes: unknown): Problem[] {
  if (!Array.isArray(lanes)) return [];
  const total = lanes.reduce((sum: number, lane: { share?: unknown } | null) => sum + (typeof lane?.share === 'number' ? lane.share : 0), 0);
  if (total <= 1 - MAIN_LINE_MIN_SHARE + 1e-9) return [];
  return [{ path: ['lanes'], message: `the lanes' shares add up to ${total}; at most ${1 - MAIN_LINE_MIN_SHARE} leaves the main line its part` }];
}

/** Local times the zone skips or repeats; malformed ones are reported by the field itself. */
function zoneProblems(event: EventInput, zone: string): Problem[] {
  const fields: [Problem['path'], unknown][] = [
    [['prequeueOpensAt'], event.prequeueOpensAt],
    [['opensAt'], event.opensAt],
    [['closesAt'], event.closesAt],
  ];
  if (Array.isArray(event.cohorts)) {
    event.cohorts.forEach((cohort, index) => {
      fields.push([['cohorts', index, 'opensAt'], cohort?.opensAt], [['cohorts', index, 'closesAt'], cohort?.closesAt]);
    });
  }
  if (Array.isArray(event.centers)) {
    event.centers.forEach((center, c) => {
      if (!Array.isArray(center?.slots)) return;
      center.slots.forEach((slot, k) => {
        fields.push([['centers', c, 'slots', k, 'startsAt'], slot?.startsAt], [['centers', c, 'slots', k, 'endsAt'], slot?.endsAt]);
      });
    });
  }
  const problems: Problem[] = [];
  for (const [path, value] of fields) {
    if ((typeof value !== 'number' && typeof value !== 'string') || !toInstant(value, 'UTC').ok) continue;
    const read = toInstant(value, zone);
    if (!read.ok) problems.push({ path, message: read.message });
  }
  return problems;
}

/** A slot that ends, ends after it starts, and has a start to end after. */
function slotProblems(centers: unknown, zone: string): Problem[] {
  if (!Array.isArray(centers)) return [];
  const problems: Problem[] = [];
  centers.forEach((center: { slots?: unknown } | null, c) => {
    if (!Array.isArray(center?.slots)) return;
    center.slots.forEach((slot: { startsAt?: unknown; endsAt?: unknown } | null, k) => {
      if (slot?.endsAt == null) return; // null: a resolved event read again
      const path = ['centers', c, 'slots', k, 'endsAt'];
      if (slot.startsAt == null) return problems.push({ path, message: 'endsAt needs a startsAt' });
      const startsAt = instantOf(slot.startsAt, zone);
      const endsAt = instantOf(slot.endsAt, zone);
      if (startsAt !== undefined && endsAt !== undefined && endsAt <= startsAt) problems.push({ path, message: 'endsAt must be after startsAt' });
    });
  });
  return problems;
}

/** A cohort usable by the cross-cohort rules: readable birth range in order and a non-empty window. */
function spanOf(cohort: EventInput['cohorts'][number] | undefined, index: number, window: EventTimes): CohortSpan | null {
  const from = cohort?.born?.from;
  const to = cohort?.born?.to;
  const { opensAt, closesAt } = window;
  if (typeof from !== 'string' || typeof to !== 'string' || !isCalendarDate(from) || !isCalendarDate(to) || from > to) return null;
  if (opensAt === undefined || closesAt === undefined || closesAt <= opensAt) return null;
  return { index, id: typeof cohort?.id === 'string' ? cohort.id : `#${index}`, from, to, opensAt, closesAt };
}

/** Only reached when checkEvent found nothing: every time resolves. */
function resolveEvent(event: EventInput) {
  const at = (value: number | string): number => {
    const read = toInstant(value, event.timeZone);
    if (!read.ok) throw new Error(`unreachable: a checked time did not resolve: ${read.message}`);
    return read.instant;
  };
  const opensAt = at(event.opensAt);
  const closesAt = at(event.closesAt);
  return {
    id: event.id,
    title: event.title,
    timeZone: event.timeZone,
    prequeueOpensAt: event.prequeueOpensAt === undefined ? null : at(event.prequeueOpensAt),
    opensAt,
    closesAt,
    cohorts: event.cohorts.map((cohort) => ({
      id: cohort.id,
      label: cohort.label,
      born: { from: cohort.born.from, to: cohort.born.to },
      opensAt: cohort.opensAt === undefined ? opensAt : at(cohort.opensAt),
      closesAt: cohort.closesAt === undefined ? closesAt : at(cohort.closesAt),
    })),
    allowCohortGaps: event.allowCohortGaps,
    maxActive: event.maxActive,
    admitsPerMinute: event.admitsPerMinute,
    grantTtlSeconds: event.grantTtlSeconds,
    graceSeconds: event.graceSeconds,
    ticketTtlSeconds: event.ticketTtlSeconds,
    proofOfWork: event.proofOfWork,
    centers: event.centers.map((center) => ({
      id: center.id,
      name: center.name,
      address: center.address ?? null,
      slots: center.slots.map((slot) => ({
        id: slot.id,
        label: slot.label,
        capacity: slot.capacity,
        startsAt: slot.startsAt == null ? null : at(slot.startsAt),
        endsAt: slot.endsAt == null ? null : at(slot.endsAt),
      })),
    })),
    lanes: event.lanes,
    identity: event.identity ?? null,
  };
}

export function reportDuplicates(items: unknown, path: string, ctx: z.RefinementCtx): void {
  if (!Array.isArray(items)) return;
  const seen = new Set<string>();
  items.forEach((item: { id?: unknown } | null, index) => {
    if (typeof item?.id !== 'string') return;
    if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [path, index, 'id'], message: `duplicate id "${item.id}"` });
    seen.add(item.id);
  });
}
