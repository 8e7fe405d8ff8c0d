/**
 * What replacing the live events with a new set would change, and which of
 * those changes would strand people, decided before anything applies:
 *
 * - removing an event while people wait in it or hold unused grants;
 * - moving an event's `closesAt` to now or earlier while people wait or hold grants;
 * - removing a center or slot that has bookings;
 * - a slot capacity below the units the booking store already holds for it.
 *
 * Such changes are refused unless forced, except the last, which nothing
 * overrides (docs/decisions/021-export-and-retention.md): the same check,
 * capacityRefusals, refuses a process whose events file cuts a capacity below
 * the bookings at start-up. Queue state is never touched by a
 * reload: running queues keep their tickets, cursor and leavers; only the
 * configuration they are read against changes.
 */
import type { EventConfig } from '../config/event-schema.js';
import { BUCKET_WIDTHS } from '../../shared/queue/left-segments.js';
import { peopleAhead } from '../../shared/queue/position.js';
import { slotKey } from '../store/booking-fingerprint.js';
import type { QueueFigures } from '../store/types.js';

export interface FieldChange {
  /** Path inside the event; list items with an id are named by it: `centers[seoul].slots[0900].capacity`. */
  field: string;
  before: unknown;
  after: unknown;
}

export type EventChange =
  { kind: 'added'; eventId: string } | { kind: 'removed'; eventId: string } | { kind: 'changed'; eventId: string; fields: FieldChange[] };

export type RefusalCode = 'EVENT_HAS_PEOPLE' | 'CLOSES_WHILE_PEOPLE_WAIT' | 'CENTER_HAS_BOOKINGS' | 'SLOT_HAS_BOOKINGS' | 'CAPACITY_BELOW_BOOKINGS';

export interface Refusal {
  code: RefusalCode;
  eventId: string;
  /** The field whose change is refused, as in FieldChange. */
  field?: string;
  /** CAPACITY_BELOW_BOOKINGS: the slot, the units it holds and the capacity asked for. */
  slot?: { centerId: string; slotId: string; taken: number; capacity: number };
  message: string;
}

/** Refusals that even a forced reload does not override: the config would promise fewer places than were sold. */
export function overridable(refusal: Refusal): boolean {
  return refusal.code !== 'CAPACITY_BELOW_BOOKINGS';
}

/** A process's events cut a slot below its bookings: it does not start (run.ts exits 2). */
export class CapacityBelowBookingsError extends Error {
  readonly code = 'CAPACITY_BELOW_BOOKINGS';
  constructor(readonly refusals: Refusal[]) {
    super(refusals.map((refusal) => `${refusal.code}: ${refusal.message}`).join('; '));
  }
}

export interface ReloadPlan {
  changes: EventChange[];
  /** Non-empty: applying would strand people; only a forced reload goes ahead. */
  refusals: Refusal[];
}

/** What the planner may look up in the stores (only for the events whose changes need it). */
export interface ReloadFacts {
  now: number;
  figuresOf(eventId: string): Promise<QueueFigures>;
  /** Bookings taken per `${centerId}/${slotId}` (BookingStore.taken). */
  takenOf(eventId: string): Promise<Map<string, number>>;
}

export async function planReload(current: readonly EventConfig[], next: readonly EventConfig[], facts: ReloadFacts): Promise<ReloadPlan> {
  const before = new Map(current.map((event) => [event.id, event]));
  const after = new Map(next.map((event) => [event.id, event]));
  const changes: EventChange[] = [];
  const refusals: Refusal[] = [];

  for (const event of current) {
    const replacement = after.get(event.id);
    if (!replacement) {
      changes.push({ kind: 'removed', eventId: event.id });
      const people = peopleIn(await facts.figuresOf(event.id));
      if (people.waiting > 0 || people.active > 0) {
        refusals.push({ code: 'EVENT_HAS_PEOPLE', eventId: event.id, message: `event "${event.id}" has ${describe(people)}; removing it would strand them` });
      }
      continue;
    }
    const fields = diff(event, replacement);
    if (fields.length === 0) continue;
    changes.push({ kind: 'changed', eventId: event.id, fields });
    refusals.push(...(await refusalsOf(event, replacement, facts)));
  }
  for (const event of next) if (!before.has(event.id)) changes.push({ kind: 'added', eventId: event.id });
  return { changes, refusals };
}

async function refusalsOf(before: EventConfig, after: EventConfig, facts: ReloadFacts): Promise<Refusal[]> {
  const refusals: Refusal[] = [];
  const id = before.id;
  if (after.closesAt <= facts.now && before.closesAt > facts.now) {
    const people = peopleIn(await facts.figuresOf(id));
    if (people.waiting > 0 || people.active > 0) {
      refusals.push({
        code: 'CLOSES_WHILE_PEOPLE_WAIT',
        eventId: id,
        field: 'closesAt',
        message: `closing event "${id}" now (closesAt ${new Date(after.closesAt).toISOString()}) would strand ${describe(people)}`,
      });
    }
  }
  const slotsAfter = new Map(after.centers.flatMap((center) => center.slots.map((slot) => [slotKey(center.id, slot.id), slot.capacity] as const)));
  const centersAfter = new Set(after.centers.map((center) => center.id));
  const slotsBefore = before.centers.flatMap((center) => center.slots.map((slot) => ({ center: center.id, slot: slot.id, capacity: slot.capacity })));
  const touched = slotsBefore.filter(({ center, slot, capacity }) => (slotsAfter.get(slotKey(center, slot)) ?? 0) < capacity);
  if (touched.length === 0) return refusals;
  const taken = await facts.takenOf(id);
  const centersRefused = new Set<string>();
  for (const { center, slot } of touched) {
    const booked = taken.get(slotKey(center, slot)) ?? 0;
    if (booked === 0) continue;
    const capacity = slotsAfter.get(slotKey(center, slot));
    if (!centersAfter.has(center)) {
      if (centersRefused.has(center)) continue;
      centersRefused.add(center);
      const total = slotsBefore.filter((s) => s.center === center).reduce((sum, s) => sum + (taken.get(slotKey(center, s.slot)) ?? 0), 0);
      refusals.push({
        code: 'CENTER_HAS_BOOKINGS',
        eventId: id,
        field: `centers[${center}]`,
        message: `center "${center}" of event "${id}" has ${total} booking(s); removing it would strand them`,
      });
    } else if (capacity === undefined) {
      refusals.push({
        code: 'SLOT_HAS_BOOKINGS',
        eventId: id,
        field: `centers[${center}].slots[${slot}]`,
        message: `slot "${slot}" at center "${center}" of event "${id}" has ${booked} booking(s); removing it would strand them`,
      });
    }
  }
  refusals.push(...capacityRefusals(after, taken));
  return refusals;
}

/** Every slot of `event` whose capacity is below the units `taken` (BookingStore.taken) already holds for it. */
export function capacityRefusals(event: EventConfig, taken: ReadonlyMap<string, number>): Refusal[] {
  return event.centers.flatMap((center) =>
    center.slots.flatMap((slot): Refusal[] => {
      const booked = taken.get(slotKey(center.id, slot.id)) ?? 0;
      if (slot.capacity >= booked) return [];
      return [
        {
          code: 'CAPACITY_BELOW_BOOKINGS',
          eventId: event.id,
          field: `centers[${center.id}].slots[${slot.id}].capacity`,
          slot: { centerId: center.id, slotId: slot.id, taken: booked, capacity: slot.capacity },
          message: `slot "${slot.id}" at center "${center.id}" of event "${event.id}" already has ${booked} booking(s); a capacity of ${slot.capacity} would oversell it`,
        },
      ];
    }),
  );
}

/** People still waiting (past the cursor, less known leavers, plus returners) and holding unused grants. */
export function peopleIn(figures: QueueFigures): { waiting: number; active: number } {
  const snapshot = {
    c: figures.cursor,
    i: figures.issued,
    q: figures.requeued,
    l: figures.left.map(({ level, firstBucket, counts }) => ({ f: firstBucket * BUCKET_WIDTHS[level], w: BUCKET_WIDTHS[level], n: counts })),
  };
  return { waiting: peopleAhead(snapshot as Parameters<typeof peopleAhead>[0], figures.issued + 1), active: figures.active };
}

function describe({ waiting, active }: { waiting: number; active: number }): string {
  return `${waiting} people waiting and ${active} holding unused booking grants`;
}

/** Every leaf that differs; list items that have an `id` are matched by it, other lists compare whole. */
export function diff(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (Object.is(before, after)) return [];
  if (isIdList(before) && isIdList(after)) {
    const changes: FieldChange[] = [];
    const afterById = new Map(after.map((item) => [item.id, item]));
    const beforeIds = new Set(before.map((item) => item.id));
    for (const item of before) changes.push(...diff(item, afterById.get(item.id), `${path}[${item.id}]`));
    for (const item of after) if (!beforeIds.has(item.id)) changes.push({ field: `${path}[${item.id}]`, before: undefined, after: item });
    const order = (list: { id: string }[]) => list.map((item) => item.id).join('\u0000');
    const reordered = order(before.filter((item) => afterById.has(item.id))) !== order(after.filter((item) => beforeIds.has(item.id)));
    if (reordered) changes.push({ field: `${path} (order)`, before: before.map((item) => item.id), after: after.map((item) => item.id) });
    return changes;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => diff(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after) && JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ field: path, before, after }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIdList(value: unknown): value is { id: string }[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => isPlainObject(item) && typeof item.id === 'string');
}
