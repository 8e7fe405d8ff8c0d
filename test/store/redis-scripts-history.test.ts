/**
 * history-append.lua, the console's history of one event (the store contract
 * is test/store/store-contract-console-records.test.ts): each branch on a
 * test's own redis-server, with the key read back directly. Titles start
 * with the branch tags of docs/redis-scripts.md.
 */
import { describe, expect, it } from 'vitest';
import { historyKey } from '../../server/store/redis/keys.js';
import { EVENT, T0, useScriptBench } from '../support/script-bench.js';

const bench = useScriptBench();
const KEEP_MS = 60_000;

describe('history-append.lua', () => {
  const key = () => historyKey(bench.prefix, EVENT);
  const sample = (t: number) => JSON.stringify({ t, waiting: 1, admittedTotal: 0, active: 0, bookings: 0, connections: {} });

  it('history-append/bad-argument: a missing keep or a fractional time fails and writes nothing', async () => {
    const before = await bench.state();
    await expect(bench.scriptsRun('history-append', [key()], [T0, sample(T0)])).rejects.toThrow(/BAD_SCRIPT_ARGUMENT history-append.lua ARGV\[3\] keepMs/);
    await expect(bench.scriptsRun('history-append', [key()], [T0 + 0.5, sample(T0), KEEP_MS])).rejects.toThrow(
      /BAD_SCRIPT_ARGUMENT history-append.lua ARGV\[1\] t/,
    );
    expect(await bench.state()).toEqual(before);
  });

  it('history-append/kept: keeps the sample, drops those older than the time kept, expires the key after it', async () => {
    expect(await bench.scriptsRun('history-append', [key()], [T0, sample(T0), KEEP_MS])).toBe(1);
    expect(await bench.scriptsRun('history-append', [key()], [T0 + KEEP_MS - 1, sample(T0 + KEEP_MS - 1), KEEP_MS])).toBe(1);
    expect(await bench.scriptsRun('history-append', [key()], [T0 + KEEP_MS, sample(T0 + KEEP_MS), KEEP_MS])).toBe(1);
    expect(await bench.raw.zRangeWithScores(key(), 0, -1)).toEqual([
      { value: sample(T0 + KEEP_MS - 1), score: T0 + KEEP_MS - 1 },
      { value: sample(T0 + KEEP_MS), score: T0 + KEEP_MS },
    ]);
    const ttl = await bench.raw.pTTL(key());
    expect(ttl).toBeGreaterThan(KEEP_MS - 5000);
    expect(ttl).toBeLessThanOrEqual(KEEP_MS);
  });

  it('history-append/taken: a sample at or before the newest kept changes nothing', async () => {
    await bench.scriptsRun('history-append', [key()], [T0, sample(T0), KEEP_MS]);
    const before = await bench.state();
    expect(await bench.scriptsRun('history-append', [key()], [T0, `${sample(T0)} `, KEEP_MS])).toBe(0);
    expect(await bench.scriptsRun('history-append', [key()], [T0 - 1, sample(T0 - 1), KEEP_MS])).toBe(0);
    expect(await bench.state()).toEqual(before);
  });
});
