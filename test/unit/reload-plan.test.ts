/** planReload: what a new set of events changes, and which changes would strand people. */
import { describe, expect, it } from 'vitest';
import { EventConfig } from '../../server/config/event-schema.js';
import { diff, planReload, type ReloadFacts } from '../../server/events/reload.js';
import { NO_FIGURES, type QueueFigures } from '../../server/store/types.js';
import { testEvent, type EventInput } from '../support/system.js';

const NOW = Date.UTC(2021, 6, 19, 12);

function event(overrides: Partial<EventInput> = {}): EventConfig {
  return EventConfig.parse(
    testEvent(
      {
        centers: [
          {
            id: 'c1',
            name: 'One',
            slots: [
              { id: 's1', label: '09:00', capacity: 10 },
              { id: 's2', label: '10:00', capacity: 10 },
            ],
          },
          { id: 'c2', name: 'Two', slots: [{ id: 's1', label: '09:00', capacity: 10 }] },
        ],
        ...overrides,
      },
      NOW,
    ),
  );
}

function figures(overrides: Partial<QueueFigures> = {}): QueueFigures {
  return { ...NO_FIGURES, ...overrides };
}

function facts(byEvent: Record<string, { figures?: QueueFigures; taken?: Record<string, number> }> = {}): ReloadFacts & { asked: string[] } {
  const asked: string[] = [];
  return {
    now: NOW,
    asked,
    figuresOf: async (id) => (asked.push(`figures:${id}`), byEvent[id]?.figures ?? figures()),
    takenOf: async (id) => (asked.push(`taken:${id}`), new Map(Object.entries(byEvent[id]?.taken ?? {}))),
  };
}

describe('planReload', () => {
  it('lists added, removed and changed events with each field before and after', async () => {
    const a = event({ id: 'a' });
    const b = event({ id: 'b' });
    const a2 = event({ id: 'a', admitsPerMinute: 1200, title: { ko: '새 제목', en: 'New title' } });
    const c = event({ id: 'c' });
    const plan = await planReload([a, b], [a2, c], facts());
    expect(plan.refusals).toEqual([]);
    expect(plan.changes).toEqual([
      {
        kind: 'changed',
        eventId: 'a',
        fields: [
          { field: 'title.ko', before: 'Test event', after: '새 제목' },
          { field: 'title.en', before: 'Test event', after: 'New title' },
          { field: 'admitsPerMinute', before: 60_000, after: 1200 },
        ],
      },
      { kind: 'removed', eventId: 'b' },
      { kind: 'added', eventId: 'c' },
    ]);
  });

  it('finds nothing to change in an identical set, and asks the stores nothing', async () => {
    const known = facts();
    const plan = await planReload([event()], [event()], known);
    expect(plan).toEqual({ changes: [], refusals: [] });
    expect(known.asked).toEqual([]);
  });

  it('refuses removing an event with people waiting or holding grants, not an empty one', async () => {
    const busy = facts({ a: { figures: figures({ issued: 40, cursor: 10 }) }, b: { figures: figures({ issued: 5, cursor: 5, active: 2 }) } });
    const plan = await planReload([event({ id: 'a' }), event({ id: 'b' }), event({ id: 'c' })], [], busy);
    expect(plan.refusals.map((r) => [r.code, r.eventId])).toEqual([
      ['EVENT_HAS_PEOPLE', 'a'],
      ['EVENT_HAS_PEOPLE', 'b'],
    ]);
    expect(plan.refusals[0]!.message).toMatch(/30 people waiting/);
  });

  it('counts leavers and returners as the store reports them', async () => {
    // 10 waiting past the cursor, all 10 left; nobody is stranded.
    const allLeft = figures({ cursor: 0, issued: 10, left: [{ level: 0, firstBucket: 0, counts: [10] }] });
    expect((await planReload([event()], [], facts({ ev: { figures: allLeft } }))).refusals).toEqual([]);
    // Everyone had their turn but one returner waits again.
    const returner = figures({ cursor: 10, issued: 10, requeued: 1 });
    expect((await planReload([event()], [], facts({ ev: { figures: returner } }))).refusals).toHaveLength(1);
  });

  it('refuses moving closesAt to now or earlier while people wait; a later close is fine', async () => {
    const waiting = facts({ ev: { figures: figures({ issued: 3 }) } });
    const closing = await planReload([event()], [event({ closesAt: NOW })], waiting);
    expect(closing.refusals).toEqual([expect.objectContaining({ code: 'CLOSES_WHILE_PEOPLE_WAIT', eventId: 'ev', field: 'closesAt' })]);
    expect((await planReload([event()], [event({ closesAt: NOW + 1 })], waiting)).refusals).toEqual([]);
    expect((await planReload([event()], [event({ closesAt: NOW })], facts())).refusals).toEqual([]);
  });

  it('refuses removing a center or slot with bookings, or cutting capacity below them', async () => {
    const booked = facts({ ev: { taken: { 'c1/s1': 3, 'c2/s1': 1 } } });
    const noC2 = event({
      centers: [
        {
          id: 'c1',
          name: 'One',
          slots: [
            { id: 's1', label: '09:00', capacity: 10 },
            { id: 's2', label: '10:00', capacity: 10 },
          ],
        },
      ],
    });
    expect((await planReload([event()], [noC2], booked)).refusals.map((r) => [r.code, r.field])).toEqual([['CENTER_HAS_BOOKINGS', 'centers[c2]']]);

    const noS1 = event({
      centers: [
        { id: 'c1', name: 'One', slots: [{ id: 's2', label: '10:00', capacity: 10 }] },
        { id: 'c2', name: 'Two', slots: [{ id: 's1', label: '09:00', capacity: 2 }] },
      ],
    });
    expect((await planReload([event()], [noS1], booked)).refusals.map((r) => [r.code, r.field])).toEqual([['SLOT_HAS_BOOKINGS', 'centers[c1].slots[s1]']]);

    const cut = event({
      centers: [
        {
          id: 'c1',
          name: 'One',
          slots: [
            { id: 's1', label: '09:00', capacity: 2 },
            { id: 's2', label: '10:00', capacity: 1 },
          ],
        },
        { id: 'c2', name: 'Two', slots: [{ id: 's1', label: '09:00', capacity: 1 }] },
      ],
    });
    expect((await planReload([event()], [cut], booked)).refusals.map((r) => [r.code, r.field])).toEqual([
      ['CAPACITY_BELOW_BOOKINGS', 'centers[c1].slots[s1].capacity'],
    ]);
    // Removing the unbooked slot s2 is fine.
    const noS2 = event({
      centers: [
        { id: 'c1', name: 'One', slots: [{ id: 's1', label: '09:00', capacity: 10 }] },
        { id: 'c2', name: 'Two', slots: [{ id: 's1', label: '09:00', capacity: 10 }] },
      ],
    });
    expect((await planReload([event()], [noS2], booked)).refusals).toEqual([]);
  });
});

describe('diff', () => {
  it('names list items by id, reports additions, removals and reordering', () => {
    const before = {
      centers: [
        { id: 'a', slots: [{ id: 'x', capacity: 1 }] },
        { id: 'b', slots: [] },
      ],
    };
    const after = {
      centers: [
        { id: 'c', slots: [] },
        { id: 'a', slots: [{ id: 'x', capacity: 2 }] },
      ],
    };
    expect(diff(before, after)).toEqual([
      { field: 'centers[a].slots[x].capacity', before: 1, after: 2 },
      { field: 'centers[b]', before: { id: 'b', slots: [] }, after: undefined },
      { field: 'centers[c]', before: undefined, after: { id: 'c', slots: [] } },
    ]);
    expect(diff({ list: [{ id: 'a' }, { id: 'b' }] }, { list: [{ id: 'b' }, { id: 'a' }] })).toEqual([
      { field: 'list (order)', before: ['a', 'b'], after: ['b', 'a'] },
    ]);
    expect(diff({ n: null, t: [1, 2] }, { n: 5, t: [1, 2] })).toEqual([{ field: 'n', before: null, after: 5 }]);
  });
});
