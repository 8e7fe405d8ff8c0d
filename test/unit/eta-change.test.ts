/** The waiting page's estimate: rounding, the rate's precision and the explained rises (client/waiting/eta-change.ts). */
import { describe, expect, it } from 'vitest';
import { dictionaries, formatWait, shownWaitMinutes } from '../../client/i18n/index.js';
import { EtaChangeWatch, EXPLAIN_FOR_MS, shownRate } from '../../client/waiting/eta-change.js';

describe('shownWaitMinutes and formatWait', () => {
  it('says less than a minute, whole minutes to 10, then steps of 5, never shorter than the estimate', () => {
    expect([0, 40, 59, 60, 61, 599, 600, 601, 1_740, 3_600, 3_601, 5_000].map(shownWaitMinutes)).toEqual([0, 0, 0, 1, 2, 10, 10, 15, 30, 60, 65, 85]);
    expect(formatWait(40, dictionaries.ko)).toBe('1분 이내');
    expect(formatWait(40, dictionaries.en)).toBe('less than a minute');
    expect(formatWait(601, dictionaries.ko)).toBe('15분');
    expect(formatWait(5_000, dictionaries.ko)).toBe('1시간 25분');
  });
});

describe('shownRate', () => {
  it('rounds to whole people a minute from 2 up, keeps one decimal below', () => {
    expect([4.9, 2.04, 12.5, 1.96, 0.44, 0.05].map(shownRate)).toEqual([5, 2, 13, 2, 0.4, 0.1]);
  });
});

describe('EtaChangeWatch', () => {
  it('explains a rise with a fallen rate as "slower", for a while, and says it once', () => {
    const watch = new EtaChangeWatch();
    expect(watch.update(40, 12, 0)).toBeNull(); // the first estimate: nothing to compare with
    expect(watch.update(300, 2, 5_000)).toBe('slower'); // 40 s -> 5 min: the rate fell from 12 to 2
    expect(watch.current(6_000)).toBe('slower');
    expect(watch.update(300, 2, 10_000)).toBeNull(); // the same estimate again: not a new change
    expect(watch.current(10_000)).toBe('slower');
    expect(watch.current(5_000 + EXPLAIN_FOR_MS)).toBeNull();
  });

  it('explains a rise without a slower rate as "longer", and ignores jitter and falls', () => {
    const watch = new EtaChangeWatch();
    watch.update(600, 10, 0); // 10 min
    expect(watch.update(660, 10, 1_000)).toBeNull(); // 11 -> 15 min step: +5 but not ×1.5
    expect(watch.update(300, 10, 2_000)).toBeNull(); // fell
    expect(watch.update(1_200, 9, 3_000)).toBe('longer'); // 5 -> 20 min, rate 10 -> 9: not slower
    expect(watch.update(null, 0, 4_000)).toBeNull(); // paused: no estimate, no explanation of one
  });

  it('drops the explanation once the turn is under a minute away', () => {
    const watch = new EtaChangeWatch();
    watch.update(30, 10, 0);
    expect(watch.update(400, 3, 1_000)).toBe('slower');
    watch.update(20, 3, 2_000);
    expect(watch.current(2_000)).toBeNull();
  });
});
