/** Full-jitter backoff: every wait lies in [0, min(max, base·2^k)], and the waits spread over that window. */
import { describe, expect, it } from 'vitest';
import { Backoff, backoffCeiling, backoffDelay } from '../../shared/reconnect/backoff.js';

const options = { baseMs: 500, maxMs: 30_000 };
/** The largest value Math.random can return. */
const ALMOST_ONE = 1 - Number.EPSILON;

describe('backoff', () => {
  it('draws within [0, ceiling]: 0 for a zero draw, just under the ceiling for the largest', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = backoffCeiling(attempt, options);
      expect(backoffDelay(attempt, { ...options, random: () => 0 })).toBe(0);
      const top = backoffDelay(attempt, { ...options, random: () => ALMOST_ONE });
      expect(top).toBeLessThanOrEqual(ceiling);
      expect(top).toBeGreaterThan(ceiling * 0.999);
      for (let k = 0; k < 100; k++) {
        const delay = backoffDelay(attempt, options);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('doubles the ceiling with each attempt, starting at the base', () => {
    expect([0, 1, 2, 3, 4, 5].map((k) => backoffCeiling(k, options))).toEqual([500, 1000, 2000, 4000, 8000, 16_000]);
    const half = { ...options, random: () => 0.5 };
    expect(backoffDelay(3, half)).toBe(2000);
  });

  it('caps the ceiling at max, also for absurd attempt counts', () => {
    expect(backoffCeiling(6, options)).toBe(30_000);
    for (const attempt of [7, 20, 60, 1000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffCeiling(attempt, options)).toBe(30_000);
      expect(backoffDelay(attempt, { ...options, random: () => ALMOST_ONE })).toBeLessThan(30_000);
    }
  });

  it('spreads 1000 draws of attempt 3 over the whole window, not clustered', () => {
    const ceiling = backoffCeiling(3, options);
    const draws = Array.from({ length: 1000 }, () => backoffDelay(3, options));
    // Ten equal buckets expect 100 each; 50–150 is more than five standard deviations either way.
    const buckets = new Array<number>(10).fill(0);
    for (const delay of draws) buckets[Math.min(9, Math.floor((delay / ceiling) * 10))]! += 1;
    for (const count of buckets) {
      expect(count).toBeGreaterThan(50);
      expect(count).toBeLessThan(150);
    }
    expect(Math.min(...draws)).toBeLessThan(ceiling * 0.05);
    expect(Math.max(...draws)).toBeGreaterThan(ceiling * 0.95);
    expect(new Set(draws).size).toBeGreaterThan(990);
  });

  it('Backoff counts attempts and starts over after reset', () => {
    const backoff = new Backoff({ ...options, random: () => ALMOST_ONE });
    const waits = [backoff.next(), backoff.next(), backoff.next()];
    expect(waits.map(Math.round)).toEqual([500, 1000, 2000]);
    expect(backoff.attempts).toBe(3);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(Math.round(backoff.next())).toBe(500);
  });
});
