import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { demoEvent } from '../../server/config/demo.js';
import { EventConfig } from '../../server/config/event-schema.js';
import type { IdentityConfig } from '../../server/config/identity-schema.js';
import { generateKeys } from '../../server/config/keys.js';
import { loadConfig, parseConfig } from '../../server/config/load.js';
import { parseEventFile, readEventFile } from '../../server/events/event-file.js';
import { problemsOf } from '../support/config-problems.js';

const FIXTURES = 'test/fixtures/events';
const dir = mkdtempSync(join(tmpdir(), 'waitroom-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const center = { id: 'seoul', name: 'Seoul', slots: [{ id: 's1', label: '09:00', capacity: 10 }] };
function event(overrides: Record<string, unknown> = {}) {
  return {
    id: 'vaccine-50-52',
    title: 'Ages 50–52',
    opensAt: '2021-07-20T20:00',
    closesAt: '2021-07-21T18:00',
    maxActive: 100,
    admitsPerMinute: 600,
    centers: [center],
    ...overrides,
  };
}
const cohort = (id: string, from: string, to: string, window: Record<string, unknown> = {}) => ({ id, label: id, born: { from, to }, ...window });

/** Every problem as `path: message`, in the order reported. */
function problems(input: unknown): string[] {
  const parsed = EventConfig.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}
const paths = (input: unknown) => problems(input).map((problem) => problem.split(': ')[0]);

describe('the event definition', () => {
  it('takes priority lanes with a name in both languages and a share; refuses shares above 0.5, over 0.9 together, and duplicate ids', () => {
    const lane = (id: string, share: number) => ({ id, name: { ko: '교통약자', en: 'Accessibility' }, share });
    expect(EventConfig.parse(event({ lanes: [lane('accessible', 0.1), { id: 'desk', name: 'Desk', share: 0.2 }] })).lanes).toEqual([
      { id: 'accessible', name: { ko: '교통약자', en: 'Accessibility' }, share: 0.1 },
      { id: 'desk', name: { ko: 'Desk', en: 'Desk' }, share: 0.2 },
    ]);
    expect(EventConfig.parse(event()).lanes).toEqual([]);
    expect(paths(event({ lanes: [lane('a', 0.6)] }))).toEqual(['lanes.0.share']);
    expect(problems(event({ lanes: [lane('a', 0.5), lane('b', 0.5)] }))).toEqual([
      "lanes: the lanes' shares add up to 1; at most 0.9 leaves the main line its part",
    ]);
    expect(paths(event({ lanes: [lane('a', 0.1), lane('a', 0.1)] }))).toEqual(['lanes.1.id']);
  });

  it('resolves local times in the event zone (default Asia/Seoul), fills defaults and gives both languages', () => {
    const parsed = EventConfig.parse(event({ cohorts: [cohort('born-1969-1971', '1969-01-01', '1971-12-31')] }));
    expect(parsed).toMatchObject({
      title: { ko: 'Ages 50–52', en: 'Ages 50–52' },
      timeZone: 'Asia/Seoul',
      prequeueOpensAt: null,
      opensAt: Date.UTC(2021, 6, 20, 11),
      closesAt: Date.UTC(2021, 6, 21, 9),
      allowCohortGaps: false,
      cohorts: [
        { id: 'born-1969-1971', label: { ko: 'born-1969-1971', en: 'born-1969-1971' }, opensAt: Date.UTC(2021, 6, 20, 11), closesAt: Date.UTC(2021, 6, 21, 9) },
      ],
    });
  });

  it('accepts the three time forms, a bilingual title and a zone in any letter case', () => {
    const parsed = EventConfig.parse(
      event({
        title: { ko: '사전예약', en: 'Pre-booking' },
        timeZone: 'america/new_york',
        prequeueOpensAt: Date.UTC(2021, 6, 20, 23),
        opensAt: '2021-07-21T00:00:00Z',
        closesAt: '2021-07-21T18:00:30',
      }),
    );
    expect(parsed).toMatchObject({ title: { ko: '사전예약', en: 'Pre-booking' }, timeZone: 'America/New_York', prequeueOpensAt: Date.UTC(2021, 6, 20, 23) });
    expect([parsed.opensAt, parsed.closesAt]).toEqual([Date.UTC(2021, 6, 21), Date.UTC(2021, 6, 21, 22, 0, 30)]);
  });

  it('has exactly the output shape other modules code against', () => {
    expectTypeOf<EventConfig>().toEqualTypeOf<{
      id: string;
      title: { ko: string; en: string };
      timeZone: string;
      prequeueOpensAt: number | null;
      opensAt: number;
      closesAt: number;
      cohorts: { id: string; label: { ko: string; en: string }; born: { from: string; to: string }; opensAt: number; closesAt: number }[];
      allowCohortGaps: boolean;
      maxActive: number;
      admitsPerMinute: number;
      grantTtlSeconds: number;
      graceSeconds: number;
      ticketTtlSeconds: number;
      proofOfWork: {
        difficulty: number;
        challengeTtlSeconds: number;
        autoRaise?: { joinsPerSecond: number; difficulty: number; calmSeconds: number } | undefined;
      };
      centers: {
        id: string;
        name: { ko: string; en: string };
        address: { ko: string; en: string } | null;
        slots: { id: string; label: string; capacity: number; startsAt: number | null; endsAt: number | null }[];
      }[];
      lanes: { id: string; name: { ko: string; en: string }; share: number }[];
      identity: IdentityConfig | null;
    }>();
  });

  it('reads per-language center names and addresses and slot times, with defaults for files without them', () => {
    const base = { id: 'c1', slots: [{ id: 's1', label: '09:00', capacity: 5 }] };
    const parsed = EventConfig.parse(
      event({
        timeZone: 'Asia/Seoul',
        centers: [
          { ...base, name: '중구 보건소' },
          {
            id: 'c2',
            name: { ko: '서울 중구 예방접종센터', en: 'Seoul Jung-gu Vaccination Center' },
            address: { ko: '서울 중구 을지로 1', en: '1 Eulji-ro, Jung-gu, Seoul' },
            slots: [{ id: 's1', label: '09:00', capacity: 5, startsAt: '2021-07-26T09:00', endsAt: '2021-07-26T09:30:00+09:00' }],
          },
        ],
      }),
    );
    expect(parsed.centers[0]).toEqual({
      id: 'c1',
      name: { ko: '중구 보건소', en: '중구 보건소' },
      address: null,
      slots: [{ id: 's1', label: '09:00', capacity: 5, startsAt: null, endsAt: null }],
    });
    expect(parsed.centers[1]!.address).toEqual({ ko: '서울 중구 을지로 1', en: '1 Eulji-ro, Jung-gu, Seoul' });
    expect(parsed.centers[1]!.slots[0]).toMatchObject({ startsAt: Date.UTC(2021, 6, 26, 0), endsAt: Date.UTC(2021, 6, 26, 0, 30) });

    const wrong = EventConfig.safeParse(
      event({
        centers: [
          {
            ...base,
            name: 'x',
            slots: [
              { id: 's1', label: 'a', capacity: 1, startsAt: '2021-07-26T09:00', endsAt: '2021-07-26T08:00' },
              { id: 's2', label: 'b', capacity: 1, endsAt: '2021-07-26T08:00' },
            ],
          },
        ],
      }),
    );
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['centers.0.slots.0.endsAt', 'endsAt must be after startsAt'],
      ['centers.0.slots.1.endsAt', 'endsAt needs a startsAt'],
    ]);
  });

  it('keeps the demo event valid and open now', () => {
    const now = Date.now();
    const demo = EventConfig.parse(demoEvent(now));
    expect(demo.opensAt <= now && now < demo.closesAt).toBe(true);
    expect(demo.cohorts).toEqual([]);
  });
});

describe('validation rules, each with its path', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['an unknown zone', { timeZone: 'Asia/Atlantis' }, 'timeZone'],
    ['a malformed time', { opensAt: 'tomorrow' }, 'opensAt'],
    ['a pre-queue not before the opening', { prequeueOpensAt: '2021-07-20T20:00' }, 'prequeueOpensAt'],
    ['closing before opening', { closesAt: '2021-07-20T19:00' }, 'closesAt'],
    ['a cohort opening before the event', { cohorts: [cohort('a', '1969-01-01', '1971-12-31', { opensAt: '2021-07-20T19:00' })] }, 'cohorts.0.opensAt'],
    ['a cohort closing after the event', { cohorts: [cohort('a', '1969-01-01', '1971-12-31', { closesAt: '2021-07-21T19:00' })] }, 'cohorts.0.closesAt'],
    [
      'a cohort window closing before it opens',
      { cohorts: [cohort('a', '1969-01-01', '1971-12-31', { opensAt: '2021-07-21T10:00', closesAt: '2021-07-21T09:00' })] },
      'cohorts.0.closesAt',
    ],
    ['a birth range ending before it starts', { cohorts: [cohort('a', '1971-12-31', '1969-01-01')] }, 'cohorts.0.born.to'],
    ['a birth date that does not exist', { cohorts: [cohort('a', '1969-02-29', '1971-12-31')] }, 'cohorts.0.born.from'],
    [
      'two cohorts taking the same people at the same time',
      { cohorts: [cohort('a', '1969-01-01', '1970-06-30'), cohort('b', '1970-01-01', '1971-12-31')] },
      'cohorts.1.born',
    ],
    ['birth dates no cohort takes', { cohorts: [cohort('a', '1969-01-01', '1969-12-31'), cohort('b', '1971-01-01', '1971-12-31')] }, 'cohorts.1.born.from'],
    ['a duplicate cohort id', { cohorts: [cohort('a', '1969-01-01', '1970-12-31'), cohort('a', '1971-01-01', '1971-12-31')] }, 'cohorts.1.id'],
    ['a duplicate center id', { centers: [center, center] }, 'centers.1.id'],
    ['a slot without capacity', { centers: [{ ...center, slots: [{ id: 's1', label: '09:00', capacity: 0 }] }] }, 'centers.0.slots.0.capacity'],
  ];
  it.each(cases)('catches %s', (_name, overrides, path) => {
    expect(paths(event(overrides))).toEqual([path]);
  });

  it('allows birth gaps between cohorts when asked to', () => {
    expect(problems(event({ allowCohortGaps: true, cohorts: [cohort('a', '1969-01-01', '1969-12-31'), cohort('b', '1971-01-01', '1971-12-31')] }))).toEqual([]);
  });

  it('says which birth dates fall between cohorts and how to fix it', () => {
    const [problem] = problems(event({ cohorts: [cohort('a', '1969-01-01', '1969-12-31'), cohort('b', '1971-01-01', '1971-12-31')] }));
    expect(problem).toContain('nobody born 1970-01-01..1970-12-31 is eligible');
    expect(problem).toContain('"allowCohortGaps": true');
  });

  it('allows the same birth range in two cohorts whose windows meet, and staggered openings', () => {
    const split = [
      cohort('evening', '1969-01-01', '1971-12-31', { closesAt: '2021-07-21T03:00' }),
      cohort('day', '1969-01-01', '1971-12-31', { opensAt: '2021-07-21T03:00' }),
    ];
    expect(problems(event({ cohorts: split }))).toEqual([]);
    const threeShifts = [
      cohort('evening', '1969-01-01', '1971-12-31', { closesAt: '2021-07-21T03:00' }),
      cohort('night', '1969-01-01', '1971-12-31', { opensAt: '2021-07-21T03:00', closesAt: '2021-07-21T09:00' }),
      cohort('day', '1969-01-01', '1971-12-31', { opensAt: '2021-07-21T09:00' }),
    ];
    expect(problems(event({ cohorts: threeShifts }))).toEqual([]);
    const staggered = [cohort('older', '1969-01-01', '1970-06-30'), cohort('younger', '1970-07-01', '1971-12-31', { opensAt: '2021-07-21T09:00' })];
    expect(problems(event({ cohorts: staggered }))).toEqual([]);
  });

  it('rejects the 03:00–09:00 variant, naming the people, the hole in local time and the fix', () => {
    const file = readEventFile(`${FIXTURES}/broken-0300-0900.json`);
    expect(file.ok).toBe(false);
    if (file.ok) return;
    expect(file.problems).toHaveLength(1);
    expect(file.problems[0]!.path).toBe('events.0.cohorts.1.opensAt');
    expect(file.problems[0]!.message).toMatch(
      /^people born 1969-01-01\.\.1971-12-31 can neither join nor book from 2021-07-21 03:00 to 2021-07-21 09:00 \(Asia\/Seoul\)/,
    );
    expect(file.problems[0]!.message).toContain('set the closesAt of "born-1969-1971-evening" to 2021-07-21T09:00:00+09:00');
  });

  it('reports a hole only for the birth dates that have it', () => {
    const cohorts = [
      cohort('all-evening', '1969-01-01', '1971-12-31', { closesAt: '2021-07-21T03:00' }),
      cohort('older-day', '1969-01-01', '1969-12-31', { opensAt: '2021-07-21T03:00' }),
      cohort('younger-day', '1970-01-01', '1971-12-31', { opensAt: '2021-07-21T09:00' }),
    ];
    const found = problems(event({ cohorts }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^cohorts\.2\.opensAt: people born 1970-01-01\.\.1971-12-31 can neither join nor book from 2021-07-21 03:00 to 2021-07-21 09:00/);
  });

  it('rejects a local time in a DST gap and an ambiguous one, naming the gap and both candidates', () => {
    const file = readEventFile(`${FIXTURES}/dst-gap.json`);
    expect(file.ok ? [] : file.problems.map((p) => p.path)).toEqual(['events.0.prequeueOpensAt', 'events.0.opensAt']);
    expect(file.ok ? '' : file.problems[1]!.message).toBe(
      '2021-03-14T02:30 does not exist in America/New_York: the clocks jump from 02:00 to 03:00 on 2021-03-14; use a local time before 02:00 or from 03:00 on (e.g. 2021-03-14T03:00), or an explicit offset',
    );
    const ambiguous = problems(event({ timeZone: 'America/New_York', opensAt: '2021-11-07T01:30', closesAt: '2021-11-08T18:00' }));
    expect(ambiguous).toEqual([
      'opensAt: 2021-11-07T01:30 happens twice in America/New_York (the clocks go back): write the offset you mean, 2021-11-07T01:30:00-04:00 (the first time) or 2021-11-07T01:30:00-05:00 (the second)',
    ]);
  });

  it('reports every problem of an event at once', () => {
    const input = event({
      timeZone: 'Asia/Seoul',
      prequeueOpensAt: '2021-07-20T21:00',
      closesAt: '2021-07-20T19:00',
      cohorts: [
        cohort('a', '1969-01-01', '1969-12-31', { opensAt: 'soon' }),
        cohort('a', '1971-12-31', '1971-01-01'),
        cohort('c', '1975-01-01', '1975-12-31', { closesAt: '2021-07-22T00:00' }),
      ],
      centers: [{ ...center, slots: [{ id: 's1', label: '09:00', capacity: 0 }] }],
      extra: true,
    });
    expect(paths(input).sort()).toEqual(
      ['', 'centers.0.slots.0.capacity', 'closesAt', 'cohorts.0.opensAt', 'cohorts.1.born.to', 'cohorts.1.id', 'cohorts.2.closesAt', 'prequeueOpensAt'].sort(),
    );
  });
});

describe('event files', () => {
  it('validate the incident fixtures, alone and together', () => {
    for (const name of ['incident-53-54', 'incident-50-52', 'incident-both']) expect(readEventFile(`${FIXTURES}/${name}.json`).ok, name).toBe(true);
    const both = readEventFile(`${FIXTURES}/incident-both.json`);
    expect(both.ok && both.events.map((e) => [e.id, e.prequeueOpensAt, e.opensAt, e.closesAt])).toEqual([
      ['vaccine-53-54', Date.UTC(2021, 6, 19, 10), Date.UTC(2021, 6, 19, 11), Date.UTC(2021, 6, 24, 9)],
      ['vaccine-50-52', null, Date.UTC(2021, 6, 20, 11), Date.UTC(2021, 6, 21, 9)],
    ]);
  });

  it('report duplicate event ids, a wrong envelope, unreadable files and invalid JSON', () => {
    expect(parseEventFile({ events: [event(), event()] })).toEqual({ ok: false, problems: [{ path: 'events.1.id', message: 'duplicate id "vaccine-50-52"' }] });
    expect(parseEventFile([event()])).toMatchObject({ ok: false, problems: [{ path: '(root)' }] });
    expect(parseEventFile({ events: [] })).toMatchObject({ ok: false, problems: [{ path: 'events' }] });
    expect(readEventFile(join(dir, 'missing.json'))).toMatchObject({
      ok: false,
      problems: [{ path: '(root)', message: expect.stringContaining('cannot read') }],
    });
    writeFileSync(join(dir, 'broken.json'), '{"events": [');
    expect(readEventFile(join(dir, 'broken.json'))).toMatchObject({
      ok: false,
      problems: [{ path: '(root)', message: expect.stringContaining('not valid JSON') }],
    });
  });
});

describe('eventsFile in the configuration', () => {
  const keys = generateKeys();

  it('takes the events from the file', () => {
    const config = parseConfig({ keys, eventsFile: `${FIXTURES}/incident-both.json` });
    expect(config.events.map((e) => e.id)).toEqual(['vaccine-53-54', 'vaccine-50-52']);
    expect(Object.isFrozen(config.events[0]!.cohorts[0])).toBe(true);
  });

  it('refuses events both inline and from a file', () => {
    expect(problemsOf(() => parseConfig({ keys, eventsFile: `${FIXTURES}/incident-both.json`, events: [event()] }))).toEqual([
      expect.stringMatching(/^events: leave "events" out when eventsFile is set/),
    ]);
  });

  it('names the file and the path inside it for each problem, along with the config’s own problems', () => {
    const file = `${FIXTURES}/dst-gap.json`;
    expect(problemsOf(() => parseConfig({ keys, eventsFile: file, logLevel: 'loud' }))).toEqual([
      expect.stringMatching(new RegExp(`^eventsFile: ${file}: events\\.0\\.prequeueOpensAt: `)),
      expect.stringMatching(new RegExp(`^eventsFile: ${file}: events\\.0\\.opensAt: `)),
      expect.stringMatching(/^logLevel: /),
    ]);
  });

  it('reads EVENTS_FILE, which replaces events given in code (the demo’s)', () => {
    const config = loadConfig({ keys, events: [demoEvent(Date.now())] }, { EVENTS_FILE: `${FIXTURES}/incident-53-54.json` });
    expect(config.events.map((e) => e.id)).toEqual(['vaccine-53-54']);
    expect(config.eventsFile).toBe(`${FIXTURES}/incident-53-54.json`);
  });
});
