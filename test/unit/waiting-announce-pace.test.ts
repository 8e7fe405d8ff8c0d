/** The screen-reader pace of the waiting page: not every tick, but every round step and every 30 s. */
import { expect, it } from 'vitest';
import { AnnouncePace, MIN_INTERVAL_MS, roundStep } from '../../client/waiting/announce-pace.js';

it('uses coarser round steps for longer lines', () => {
  expect([0, 9, 10, 99, 100, 999, 1000, 250_000].map(roundStep)).toEqual([1, 1, 10, 10, 100, 100, 1000, 1000]);
});

it('announces the first figure, then only round crossings or after 30 s', () => {
  const pace = new AnnouncePace();
  expect(pace.shouldAnnounce(1234, 0)).toBe(true);
  // A second of ticks in a fast queue: nothing until 1,000 is crossed.
  expect([1200, 1100, 1001].map((n, k) => pace.shouldAnnounce(n, 1000 * (k + 1)))).toEqual([false, false, false]);
  expect(pace.shouldAnnounce(999, 4000)).toBe(true);
  expect(pace.shouldAnnounce(990, 5000)).toBe(false);
  expect(pace.shouldAnnounce(985, 4000 + MIN_INTERVAL_MS)).toBe(true);
  expect(pace.shouldAnnounce(985, 4000 + 3 * MIN_INTERVAL_MS)).toBe(false); // unchanged: nothing new to say
});

it('announces every change near the front', () => {
  const pace = new AnnouncePace();
  expect([12, 11, 10, 9, 8, 8, 7, 0].map((n, k) => pace.shouldAnnounce(n, k))).toEqual([true, false, false, true, true, false, true, true]);
});
