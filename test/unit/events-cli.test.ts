/** The events CLI as an operator runs it: a child process on the fixture files. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const FIXTURES = 'test/fixtures/events';
const dir = mkdtempSync(join(tmpdir(), 'waitroom-events-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/main/events-cli.ts', ...args], { timeout: 20_000 }, (error, out, err) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, out, err });
    });
  });
}

/** Table rows are columns separated by two or more spaces; compare them without the padding. */
const rows = (out: string) =>
  out.split('\n').map((line) =>
    line
      .trim()
      .split(/\s{2,}/)
      .join(' | '),
  );

describe('npm run events -- validate', () => {
  it.concurrent('prints one OK line per event and exits 0', async () => {
    const { code, out } = await cli('validate', `${FIXTURES}/incident-both.json`);
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toEqual([
      'OK vaccine-53-54: 2021-07-19 20:00 → 2021-07-24 18:00 (Asia/Seoul), pre-queue from 2021-07-19 19:00; 1 cohort; 3 centers, 14 slots',
      'OK vaccine-50-52: 2021-07-20 20:00 → 2021-07-21 18:00 (Asia/Seoul); 1 cohort; 3 centers, 14 slots',
    ]);
  });

  it.concurrent('exits 1 on the 03:00–09:00 variant, naming the hole', async () => {
    const { code, out } = await cli('validate', `${FIXTURES}/broken-0300-0900.json`);
    expect(code).toBe(1);
    expect(out).toContain('broken-0300-0900.json: 1 problem\n');
    expect(out).toContain(
      '  events.0.cohorts.1.opensAt: people born 1969-01-01..1971-12-31 can neither join nor book from 2021-07-21 03:00 to 2021-07-21 09:00 (Asia/Seoul)',
    );
  });

  it.concurrent('exits 1 on the DST-gap example, listing every problem with its path', async () => {
    const { code, out } = await cli('validate', `${FIXTURES}/dst-gap.json`);
    expect(code).toBe(1);
    expect(out).toContain('dst-gap.json: 2 problems\n');
    expect(out).toContain('  events.0.prequeueOpensAt: 2021-03-14T02:00 does not exist in America/New_York: the clocks jump from 02:00 to 03:00');
    expect(out).toContain('  events.0.opensAt: 2021-03-14T02:30 does not exist in America/New_York');
  });

  it.concurrent('exits 2 with the usage on wrong arguments, and 1 on a missing file', async () => {
    const wrong = [[], ['check', 'x.json'], ['validate'], ['validate', 'x.json', '--at', '2021-07-19T20:00'], ['timeline', 'x.json', '--at', 'noon']];
    const answers = await Promise.all(wrong.map((args) => cli(...args)));
    answers.forEach(({ code, err }, index) => {
      expect(code, wrong[index]!.join(' ')).toBe(2);
      expect(err).toContain('usage:');
    });
    const missing = await cli('validate', join(dir, 'missing.json'));
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('(root): cannot read');
  });
});

describe('npm run events -- timeline', () => {
  it.concurrent('lists the moments and who may join and book between them, in local time', async () => {
    const { code, out } = await cli('timeline', `${FIXTURES}/incident-53-54.json`);
    expect(code).toBe(0);
    expect(out).toContain('Times in Asia/Seoul; a window includes its start, not its end.');
    expect(rows(out)).toEqual(
      expect.arrayContaining([
        'born-1967-1968 | 1967-01-01..1968-12-31 | 2021-07-19 19:00 → 2021-07-24 18:00 | 2021-07-19 20:00 → 2021-07-24 18:00',
        '2021-07-19 19:00 | pre-queue opens',
        '2021-07-19 20:00 | event opens; cohort born-1967-1968 opens',
        '2021-07-24 18:00 | cohort born-1967-1968 closes; event closes',
        'Before 2021-07-19 19:00: not open yet, nobody may join or book.',
        'From | Until | May join | May book',
        '2021-07-19 19:00 | 2021-07-19 20:00 | born-1967-1968 (pre-queue) | nobody',
        '2021-07-19 20:00 | 2021-07-24 18:00 | born-1967-1968 | born-1967-1968',
        'From 2021-07-24 18:00 on: closed, nobody may join or book.',
      ]),
    );
  });

  it.concurrent('shows staggered cohorts across a DST fall-back, marking the repeated hour with its offset', async () => {
    const file = join(dir, 'staggered.json');
    const cohort = (id: string, from: string, to: string, window = {}) => ({ id, label: id, born: { from, to }, ...window });
    const event = {
      id: 'fall-back',
      title: 'Fall-back example',
      timeZone: 'America/New_York',
      opensAt: '2021-11-06T20:00',
      closesAt: '2021-11-07T18:00',
      cohorts: [
        cohort('older', '1950-01-01', '1959-12-31', { closesAt: '2021-11-07T01:30:00-05:00' }),
        cohort('younger', '1960-01-01', '1969-12-31', { opensAt: '2021-11-07T01:30:00-04:00' }),
      ],
      maxActive: 10,
      admitsPerMinute: 60,
      centers: [{ id: 'nyc', name: 'NYC', slots: [{ id: 's', label: '09:00', capacity: 5 }] }],
    };
    writeFileSync(file, JSON.stringify({ events: [event] }));
    const { code, out } = await cli('timeline', file);
    expect(code).toBe(0);
    expect(rows(out)).toEqual(
      expect.arrayContaining([
        '2021-11-06 20:00 | event opens; cohort older opens',
        '2021-11-07 01:30 UTC-04:00 | cohort younger opens',
        '2021-11-07 01:30 UTC-05:00 | cohort older closes',
        '2021-11-06 20:00 | 2021-11-07 01:30 UTC-04:00 | older | older',
        '2021-11-07 01:30 UTC-04:00 | 2021-11-07 01:30 UTC-05:00 | older, younger | older, younger',
        '2021-11-07 01:30 UTC-05:00 | 2021-11-07 18:00 | younger | younger',
      ]),
    );
  });

  it.concurrent('--at in the pre-queue: who may join now and when booking opens', async () => {
    const { code, out } = await cli('timeline', `${FIXTURES}/incident-both.json`, '--at', '2021-07-19T19:30');
    expect(code).toBe(0);
    expect(out).toContain('At 2021-07-19 19:30 (Asia/Seoul): pre-queue (opens at 2021-07-19 20:00)');
    expect(out).toContain('At 2021-07-19 19:30 (Asia/Seoul): not yet open (opens at 2021-07-20 20:00)');
    expect(rows(out)).toEqual(
      expect.arrayContaining([
        'born-1967-1968 | 1967-01-01..1968-12-31 | yes, into the pre-queue | no, from 2021-07-19 20:00',
        'born-1969-1971 | 1969-01-01..1971-12-31 | no, from 2021-07-20 20:00 | no, from 2021-07-20 20:00',
      ]),
    );
  });

  it.concurrent('--at inside both windows, given as an instant with an offset', async () => {
    const { code, out } = await cli('timeline', `${FIXTURES}/incident-both.json`, '--at', '2021-07-20T12:00:00Z');
    expect(code).toBe(0);
    expect(out).toContain('At 2021-07-20 21:00 (Asia/Seoul): open (closes at 2021-07-21 18:00)');
    expect(rows(out)).toEqual(
      expect.arrayContaining(['born-1967-1968 | 1967-01-01..1968-12-31 | yes | yes', 'born-1969-1971 | 1969-01-01..1971-12-31 | yes | yes']),
    );
  });

  it.concurrent('--at after closing: closed since when', async () => {
    const { code, out } = await cli('timeline', `${FIXTURES}/incident-50-52.json`, '--at', '2021-07-21T18:00');
    expect(code).toBe(0);
    expect(out).toContain('At 2021-07-21 18:00 (Asia/Seoul): closed (since 2021-07-21 18:00)');
    expect(rows(out)).toContain('born-1969-1971 | 1969-01-01..1971-12-31 | no, closed at 2021-07-21 18:00 | no, closed at 2021-07-21 18:00');
  });

  it.concurrent('refuses to preview an invalid file, listing its problems', async () => {
    const { code, out } = await cli('timeline', `${FIXTURES}/broken-0300-0900.json`, '--at', '2021-07-21T05:00');
    expect(code).toBe(1);
    expect(out).toContain('events.0.cohorts.1.opensAt: people born 1969-01-01..1971-12-31 can neither join nor book');
  });
});
