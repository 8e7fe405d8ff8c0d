/** Join and booking decisions on the incident's events: the codes, when the person's window opens, and the messages. */
import { describe, expect, it } from 'vitest';
import { EventConfig } from '../../server/config/event-schema.js';
import { bookingDecision, isCalendarDate, joinDecision } from '../../server/events/eligibility.js';
import { readEventFile } from '../../server/events/event-file.js';

function fixture(name: string): EventConfig[] {
  const file = readEventFile(`test/fixtures/events/${name}.json`);
  if (!file.ok) throw new Error(JSON.stringify(file.problems));
  return file.events;
}
const [ages5354, ages5052] = fixture('incident-both') as [EventConfig, EventConfig];
const kst = (local: string) => Date.parse(`${local}+09:00`);

describe('joinDecision', () => {
  it('lets the 53–54 cohort into the pre-queue from 19:00, and tells others when to come back', () => {
    expect(joinDecision(ages5354, '1967-01-01', kst('2021-07-19T18:59:59.999'))).toMatchObject({
      ok: false,
      code: 'EVENT_NOT_OPEN_YET',
      opensAt: kst('2021-07-19T19:00:00'),
    });
    expect(joinDecision(ages5354, '1968-12-31', kst('2021-07-19T19:00:00'))).toMatchObject({ ok: true, prequeue: true, cohort: { id: 'born-1967-1968' } });
    expect(joinDecision(ages5354, '1968-12-31', kst('2021-07-19T20:00:00'))).toMatchObject({ ok: true, prequeue: false });
    expect(joinDecision(ages5354, '1969-01-01', kst('2021-07-19T19:30:00'))).toEqual({
      ok: false,
      code: 'NOT_ELIGIBLE',
      message: 'People born 1969-01-01 are not eligible for this event.',
    });
  });

  it('asks for a birth date, and refuses one that is not a calendar date', () => {
    expect(joinDecision(ages5354, undefined, kst('2021-07-19T20:00:00'))).toMatchObject({ ok: false, code: 'BIRTH_DATE_REQUIRED' });
    expect(joinDecision(ages5354, '1967-02-29', kst('2021-07-19T20:00:00'))).toMatchObject({
      ok: false,
      code: 'BIRTH_DATE_REQUIRED',
      message: expect.stringContaining('"1967-02-29" is not a calendar date'),
    });
  });

  it('says when joining opens in the event time zone, and when it closed', () => {
    expect(joinDecision(ages5052, '1970-05-05', kst('2021-07-20T19:00:00'))).toEqual({
      ok: false,
      code: 'EVENT_NOT_OPEN_YET',
      message: 'Not open yet: joining opens at 2021-07-20 20:00 (Asia/Seoul).',
      opensAt: kst('2021-07-20T20:00:00'),
    });
    expect(joinDecision(ages5052, '1970-05-05', kst('2021-07-21T18:00:00'))).toMatchObject({
      ok: false,
      code: 'EVENT_CLOSED',
      message: 'This event closed at 2021-07-21 18:00 (Asia/Seoul).',
    });
  });

  it('lets a later cohort join from its own opening, without the pre-queue', () => {
    const staggered = EventConfig.parse({
      ...{
        id: 'staggered',
        title: 'Staggered',
        maxActive: 1,
        admitsPerMinute: 1,
        centers: [{ id: 'c', name: 'C', slots: [{ id: 's', label: 's', capacity: 1 }] }],
      },
      prequeueOpensAt: '2021-07-20T19:00',
      opensAt: '2021-07-20T20:00',
      closesAt: '2021-07-21T18:00',
      cohorts: [
        { id: 'older', label: 'older', born: { from: '1969-01-01', to: '1969-12-31' } },
        { id: 'younger', label: 'younger', born: { from: '1970-01-01', to: '1971-12-31' }, opensAt: '2021-07-21T09:00' },
      ],
    });
    expect(joinDecision(staggered, '1969-06-01', kst('2021-07-20T19:00:00'))).toMatchObject({ ok: true, prequeue: true });
    expect(joinDecision(staggered, '1970-06-01', kst('2021-07-20T19:00:00'))).toEqual({
      ok: false,
      code: 'COHORT_NOT_OPEN_YET',
      message: 'You may join from 2021-07-21 09:00 (Asia/Seoul): your window opens then.',
      opensAt: kst('2021-07-21T09:00:00'),
    });
    expect(joinDecision(staggered, '1970-06-01', kst('2021-07-20T18:00:00'))).toMatchObject({
      code: 'EVENT_NOT_OPEN_YET',
      opensAt: kst('2021-07-21T09:00:00'),
    });
    expect(joinDecision(staggered, '1970-06-01', kst('2021-07-21T09:00:00'))).toMatchObject({ ok: true, prequeue: false, cohort: { id: 'younger' } });
  });
});

describe('bookingDecision', () => {
  it('opens at opensAt (no pre-queue) and closes at closesAt', () => {
    expect(bookingDecision(ages5354, '1967-01-01', kst('2021-07-19T19:30:00'))).toMatchObject({
      ok: false,
      code: 'EVENT_NOT_OPEN_YET',
      opensAt: kst('2021-07-19T20:00:00'),
    });
    expect(bookingDecision(ages5354, '1967-01-01', kst('2021-07-19T20:00:00'))).toMatchObject({ ok: true, cohort: { id: 'born-1967-1968' } });
    expect(bookingDecision(ages5354, '1967-01-01', kst('2021-07-24T17:59:59.999'))).toMatchObject({ ok: true });
    expect(bookingDecision(ages5354, '1967-01-01', kst('2021-07-24T18:00:00'))).toMatchObject({ ok: false, code: 'EVENT_CLOSED' });
    expect(bookingDecision(ages5354, '1966-12-31', kst('2021-07-20T12:00:00'))).toMatchObject({ ok: false, code: 'NOT_ELIGIBLE' });
  });

  it('refuses a cohort whose window closed while the event is open', () => {
    const early = EventConfig.parse({
      ...{ id: 'early', title: 'Early', maxActive: 1, admitsPerMinute: 1, centers: [{ id: 'c', name: 'C', slots: [{ id: 's', label: 's', capacity: 1 }] }] },
      opensAt: '2021-07-20T20:00',
      closesAt: '2021-07-21T18:00',
      cohorts: [
        { id: 'older', label: 'older', born: { from: '1969-01-01', to: '1969-12-31' }, closesAt: '2021-07-21T09:00' },
        { id: 'younger', label: 'younger', born: { from: '1970-01-01', to: '1971-12-31' } },
      ],
    });
    expect(bookingDecision(early, '1969-06-01', kst('2021-07-21T09:00:00'))).toEqual({
      ok: false,
      code: 'COHORT_CLOSED',
      message: 'Your window closed at 2021-07-21 09:00 (Asia/Seoul).',
    });
    expect(bookingDecision(early, '1970-06-01', kst('2021-07-21T09:00:00'))).toMatchObject({ ok: true, cohort: { id: 'younger' } });
  });
});

describe('isCalendarDate', () => {
  it.each([
    ['1967-01-01', true],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['1969-13-01', false],
    ['1969-04-31', false],
    ['1969-1-1', false],
    ['19690101', false],
  ])('%s → %s', (text, expected) => expect(isCalendarDate(text)).toBe(expected));
});
