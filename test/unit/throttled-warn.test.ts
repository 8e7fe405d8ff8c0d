/** A repeating warning is logged once per interval, saying how many like it were held back. */
import { expect, it } from 'vitest';
import { pino } from 'pino';
import { throttledWarn } from '../../server/observability/throttled-warn.js';

it('logs the first warning, holds back the rest of the interval, then logs with the count held back', () => {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  let now = 1000;
  const warn = throttledWarn(log, 10_000, () => now);
  warn({ ticketNo: 1 }, 'release failed');
  now += 5000;
  warn({ ticketNo: 2 }, 'release failed');
  warn({ ticketNo: 3 }, 'release failed');
  now += 5000;
  warn({ ticketNo: 4 }, 'release failed');
  expect(lines.map((line) => [line.ticketNo, line.heldBack, line.msg])).toEqual([
    [1, undefined, 'release failed'],
    [4, 2, 'release failed'],
  ]);
});
