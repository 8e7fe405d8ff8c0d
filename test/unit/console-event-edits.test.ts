/**
 * The console's edits of one event (server/gateway/admin/event-edits.ts): the
 * live form of an event reads back as the same event, and open-now,
 * close-now and limits produce events the reload rules accept, or say why not.
 */
import { describe, expect, it } from 'vitest';
import { EventConfig } from '../../server/config/event-schema.js';
import { parseEventFile } from '../../server/events/event-file.js';
import { closedNow, eventInput, eventsDocument, openedNow, withLimits } from '../../server/gateway/admin/event-edits.js';
import { testEvent } from '../support/system.js';

const NOW = Date.UTC(2026, 10, 25, 3, 0, 0);
const HOUR = 3_600_000;

function live(overrides: Parameters<typeof testEvent>[0] = {}): EventConfig {
  return EventConfig.parse(testEvent(overrides, NOW));
}

const cohorts = [
  { id: 'early', label: { ko: '1970년생', en: 'Born 1970' }, born: { from: '1970-01-01', to: '1970-12-31' } },
  { id: 'late', label: 'Born 1971', born: { from: '1971-01-01', to: '1971-12-31' }, opensAt: NOW + 2 * HOUR },
];

/** The edited event as the reloader would read it. */
function reread(event: Record<string, unknown>): EventConfig {
  const parsed = parseEventFile({ events: [event] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.events[0]!;
}

describe('console event edits', () => {
  it('writes the live event back as an events-file event that reads as the same event', () => {
    const event = live({ prequeueOpensAt: NOW - HOUR, opensAt: NOW + HOUR, closesAt: NOW + 5 * HOUR, cohorts });
    expect(reread(eventInput(event))).toEqual(event);
    const other = live({ id: 'other' });
    expect(eventsDocument([event, other], { ...eventInput(other), maxActive: 3 }).events.map((e) => [e.id, e.maxActive])).toEqual([
      ['ev', 10],
      ['other', 3],
    ]);
  });

  it('changes the limits given and keeps the others', () => {
    const edit = withLimits(live(), { admitsPerMinute: 90 });
    expect(edit).toMatchObject({ ok: true, before: { maxActive: 10, admitsPerMinute: 60_000 }, after: { maxActive: 10, admitsPerMinute: 90 }, force: false });
    expect(reread((edit as { event: Record<string, unknown> }).event)).toMatchObject({ maxActive: 10, admitsPerMinute: 90 });
  });

  it('opens now: cohorts that opened with the event follow, a pre-queue not open yet is dropped', () => {
    const event = live({ prequeueOpensAt: NOW + HOUR / 2, opensAt: NOW + HOUR, closesAt: NOW + 5 * HOUR, cohorts });
    const edit = openedNow(event, NOW);
    if (!edit.ok) throw new Error(edit.message);
    const opened = reread(edit.event);
    expect(opened).toMatchObject({ opensAt: NOW, prequeueOpensAt: null, closesAt: NOW + 5 * HOUR });
    expect(opened.cohorts.map((c) => [c.id, c.opensAt])).toEqual([
      ['early', NOW],
      ['late', NOW + 2 * HOUR],
    ]);
    const withPrequeue = openedNow(live({ prequeueOpensAt: NOW - HOUR, opensAt: NOW + HOUR, closesAt: NOW + 5 * HOUR }), NOW);
    expect(withPrequeue.ok && reread(withPrequeue.event).prequeueOpensAt).toBe(NOW - HOUR);
    expect(openedNow(live(), NOW)).toMatchObject({ ok: false, code: 'EVENT_ALREADY_OPEN' });
    expect(openedNow(live({ opensAt: NOW - 2 * HOUR, closesAt: NOW - HOUR }), NOW)).toMatchObject({ ok: false, code: 'EVENT_CLOSED' });
  });

  it('closes now, forced, with the cohorts still open; an event not yet open or already closed cannot', () => {
    const event = live({ opensAt: NOW - HOUR, closesAt: NOW + 5 * HOUR, cohorts: [cohorts[0]!, { ...cohorts[1]!, opensAt: NOW - HOUR / 2 }] });
    const edit = closedNow(event, NOW);
    if (!edit.ok) throw new Error(edit.message);
    expect(edit).toMatchObject({ before: { closesAt: NOW + 5 * HOUR }, after: { closesAt: NOW }, force: true });
    expect(reread(edit.event).cohorts.map((c) => c.closesAt)).toEqual([NOW, NOW]);
    expect(closedNow(live({ opensAt: NOW + HOUR, closesAt: NOW + 2 * HOUR }), NOW)).toMatchObject({ ok: false, code: 'EVENT_NOT_OPEN_YET' });
    expect(closedNow(live({ opensAt: NOW - 2 * HOUR, closesAt: NOW - HOUR }), NOW)).toMatchObject({ ok: false, code: 'EVENT_ALREADY_CLOSED' });
  });
});
