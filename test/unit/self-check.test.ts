/**
 * The self-check asks the real eligibility code whether the people the config
 * lets in over the next 24 hours are let in: it passes on the incident configs
 * and names event, cohort, local time and code when the code refuses someone.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { EventConfig } from '../../server/config/event-schema.js';
import { bookingDecision, joinDecision } from '../../server/events/eligibility.js';
import { readEventFile } from '../../server/events/event-file.js';
import { reportSelfCheck, runSelfCheck, sampleInstants } from '../../server/events/self-check.js';
import type { Logger } from '../../server/observability/log.js';
import { createSelfCheckMetrics } from '../../server/observability/metrics.js';

const HOUR = 3600_000;
const MINUTE = 60_000;

function fixture(name: string): EventConfig[] {
  const read = readEventFile(`test/fixtures/events/${name}.json`);
  if (!read.ok) throw new Error(`${name}: ${JSON.stringify(read.problems)}`);
  return read.events;
}

/** A logger whose lines land in an array. */
function capturingLogger(): { log: Logger; lines: { level: number; msg: string; [key: string]: unknown }[] } {
  const lines: { level: number; msg: string }[] = [];
  return { log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }) as Logger, lines };
}

describe('self-check on the incident configs', () => {
  const cases = ['incident-53-54', 'incident-50-52', 'incident-both'] as const;

  it.each(cases)('%s: passes before, at and during the windows', (name) => {
    const events = fixture(name);
    const first = events[0]!;
    const instants = [
      first.opensAt - 23 * HOUR, // the opening is within the next 24 h
      (first.prequeueOpensAt ?? first.opensAt) - MINUTE,
      first.opensAt,
      first.opensAt + 7 * HOUR, // 03:00 in Seoul the next night: the hours that failed in 2021
      first.closesAt - HOUR,
    ];
    for (const now of instants) {
      const result = runSelfCheck(events, now);
      expect(result.rejections, new Date(now).toISOString()).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.windows.length).toBeGreaterThan(0);
      expect(result.checks).toBeGreaterThan(0);
    }
  });

  it('checks each cohort with its first, last and a middle birth date, over the whole next 24 h', () => {
    const [event] = fixture('incident-50-52');
    const now = event!.opensAt; // 2021-07-20 20:00 in Seoul; the event closes 22 h later
    const { windows } = runSelfCheck([event!], now);
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatchObject({ eventId: 'vaccine-50-52', cohortId: 'born-1969-1971', birthDates: ['1969-01-01', '1970-07-02', '1971-12-31'] });
    const instants = windows[0]!.instants;
    expect(instants[0]).toBe(event!.opensAt);
    expect(instants).toContain(event!.opensAt + 1);
    expect(instants).toContain(event!.closesAt - 1);
    expect(instants).toContain(event!.opensAt + 7 * HOUR); // 03:00
    expect(instants).toContain(event!.opensAt + 13 * HOUR); // 09:00
    expect(instants.at(-1)).toBe(event!.closesAt - 1);
  });

  it('has nothing to check for windows that closed or open more than 24 h from now', () => {
    const events = fixture('incident-both');
    expect(runSelfCheck(events, events[0]!.opensAt - 3 * 24 * HOUR).windows).toEqual([]);
    expect(runSelfCheck(events, events[0]!.closesAt + 1).windows).toEqual([]);
  });

  it('the broken 03:00–09:00 schedule never gets this far: validation refuses it, naming the hole', () => {
    const read = readEventFile('test/fixtures/events/broken-0300-0900.json');
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problems.map((p) => p.message).join('\n')).toMatch(/2021-07-21 03:00 to 2021-07-21 09:00/);
  });
});

describe('self-check finds refusals of people the config lets in', () => {
  it('a cohort window that runs past the event closing (built without validation): booking and join refused after the close', () => {
    const [valid] = fixture('incident-50-52');
    const cohort = valid!.cohorts[0]!;
    // Validation would refuse this cohort; an object built in code is not validated.
    const event: EventConfig = { ...valid!, cohorts: [{ ...cohort, closesAt: valid!.closesAt + 2 * HOUR }] };
    const result = runSelfCheck([event], valid!.closesAt - HOUR);
    expect(result.ok).toBe(false);
    const codes = new Set(result.rejections.map((r) => `${r.check}:${r.code}`));
    expect(codes).toEqual(new Set(['join:EVENT_CLOSED', 'booking:EVENT_CLOSED']));
    const first = result.rejections[0]!;
    expect(first).toMatchObject({ eventId: 'vaccine-50-52', cohortId: 'born-1969-1971', instant: valid!.closesAt, localTime: '2021-07-21 18:00 (Asia/Seoul)' });
    // Three birth dates, two checks, at every sampled instant from the close on.
    expect(result.rejections.every((r) => r.instant >= valid!.closesAt)).toBe(true);
  });

  it('faulty code like that of July 2021 (no bookings 03:00–09:00 in Seoul) is caught, with the local times', () => {
    const [event] = fixture('incident-50-52');
    const faultyBooking: typeof bookingDecision = (e, birthDate, now) => {
      const hour = (new Date(now).getUTCHours() + 9) % 24;
      if (hour >= 3 && hour < 9) return { ok: false, code: 'COHORT_CLOSED', message: 'cohort table says closed' };
      return bookingDecision(e, birthDate, now);
    };
    const result = runSelfCheck([event!], event!.opensAt, { decisions: { join: joinDecision, booking: faultyBooking } });
    expect(result.ok).toBe(false);
    expect(result.rejections.every((r) => r.check === 'booking' && r.code === 'COHORT_CLOSED')).toBe(true);
    expect(result.rejections[0]!.localTime).toBe('2021-07-21 03:00 (Asia/Seoul)');
    expect(result.rejections.at(-1)!.localTime).toBe('2021-07-21 08:45 (Asia/Seoul)');
    // 24 quarter hours × 3 birth dates.
    expect(result.rejections).toHaveLength(24 * 3);
  });

  it('reports: one warning per event, cohort, check and code; gauge per window (0 when fine); a run counter', async () => {
    const [fine] = fixture('incident-53-54');
    const [valid] = fixture('incident-50-52');
    const broken: EventConfig = { ...valid!, cohorts: [{ ...valid!.cohorts[0]!, closesAt: valid!.closesAt + HOUR }] };
    const registry = new Registry();
    const metrics = createSelfCheckMetrics(registry);
    const { log, lines } = capturingLogger();

    reportSelfCheck(runSelfCheck([fine!, broken], valid!.closesAt - HOUR), metrics, log);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(2); // join and booking, both EVENT_CLOSED
    for (const warning of warnings) {
      expect(warning).toMatchObject({ event: 'vaccine-50-52', cohort: 'born-1969-1971', code: 'EVENT_CLOSED', firstAt: '2021-07-21 18:00 (Asia/Seoul)' });
      expect(warning.msg).toMatch(/event "vaccine-50-52", cohort "born-1969-1971" at 2021-07-21 18:00 \(Asia\/Seoul\).*EVENT_CLOSED/);
    }
    const gauge = await metrics.rejections.get();
    const value = (event: string) => gauge.values.find((v) => v.labels.event === event)?.value;
    expect(value('vaccine-53-54')).toBe(0);
    expect(value('vaccine-50-52')).toBeGreaterThan(0);

    // Fixed: the gauge goes back to 0 and the run is counted again.
    lines.length = 0;
    reportSelfCheck(runSelfCheck([fine!, valid!], valid!.closesAt - HOUR), metrics, log);
    expect(lines.filter((line) => line.level === 40)).toEqual([]);
    expect(lines.some((line) => /self-check passed/.test(line.msg))).toBe(true);
    const after = await metrics.rejections.get();
    expect(after.values.map((v) => v.value)).toEqual([0, 0]);
    expect((await metrics.runs.get()).values[0]!.value).toBe(2);
    expect(await registry.metrics()).toMatch(/waitroom_selfcheck_rejections\{event="vaccine-50-52",cohort="born-1969-1971"\} 0/);
  });
});

describe('sampleInstants', () => {
  it('takes the opening, 1 ms inside each end and every step, within the window and the horizon', () => {
    expect(sampleInstants(1000, 5000, 0, 10_000, 1500)).toEqual([1000, 1001, 2500, 4000, 4999]);
    // Opened before now: sampling starts at now.
    expect(sampleInstants(0, 5000, 1200, 10_000, 1500)).toEqual([1200, 2700, 4200, 4999]);
    // Closes past the horizon: the last sample is within the horizon.
    expect(sampleInstants(1000, 50_000, 0, 4000, 1500)).toEqual([1000, 1001, 2500]);
  });
});
