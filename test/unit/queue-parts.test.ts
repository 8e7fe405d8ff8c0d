import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MinHeap } from '../../server/gateway/min-heap.js';
import { eventState } from '../../server/queue/event-state.js';
import { JoinBatcher } from '../../server/gateway/join-batcher.js';
import { RateEstimator } from '../../server/queue/rate-estimator.js';

/** Records one step per second from `from` (ms) for `seconds` steps; returns the next step's time. */
function steps(estimator: RateEstimator, from: number, seconds: number, admitted: number, backlogged = true): number {
  for (let k = 0; k < seconds; k++) estimator.record(from + k * 1000, admitted, backlogged);
  return from + seconds * 1000;
}

describe('RateEstimator', () => {
  it('reports the configured rate until 5 s of backlogged steps were seen', () => {
    const estimator = new RateEstimator(600);
    expect(estimator.perMinute()).toBe(600);
    steps(estimator, 0, 5, 2);
    expect(estimator.perMinute()).toBe(600);
    estimator.record(5000, 2, true);
    expect(estimator.perMinute()).toBeLessThan(600);
  });

  it('converges to a steady measured rate below the configured one', () => {
    const estimator = new RateEstimator(600);
    steps(estimator, 0, 120, 2);
    expect(estimator.perMinute()).toBeGreaterThan(114);
    expect(estimator.perMinute()).toBeLessThan(126);
  });

  it('follows a change of speed, forgetting the old one', () => {
    const estimator = new RateEstimator(600);
    const t = steps(estimator, 0, 60, 5);
    expect(estimator.perMinute()).toBeGreaterThan(280);
    steps(estimator, t, 200, 1);
    expect(estimator.perMinute()).toBeGreaterThan(54);
    expect(estimator.perMinute()).toBeLessThan(66);
  });

  it('ignores steps after which nobody was waiting', () => {
    const idle = new RateEstimator(600);
    steps(idle, 0, 100, 1, false);
    expect(idle.perMinute()).toBe(600);

    const estimator = new RateEstimator(600);
    let t = steps(estimator, 0, 120, 2);
    const steady = estimator.perMinute();
    t = steps(estimator, t, 300, 0, false);
    expect(estimator.perMinute()).toBe(steady);
    steps(estimator, t, 10, 2);
    expect(Math.abs(estimator.perMinute() - steady)).toBeLessThan(steady * 0.05);
  });

  it('never reports more than the configured rate, even after it is lowered', () => {
    const estimator = new RateEstimator(600);
    steps(estimator, 0, 60, 100);
    expect(estimator.perMinute()).toBe(600);
    estimator.setConfigured(60);
    expect(estimator.perMinute()).toBe(60);
    const fresh = new RateEstimator(600);
    fresh.setConfigured(30);
    expect(fresh.perMinute()).toBe(30);
  });
});

describe('JoinBatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives joins within the window one issue call and consecutive numbers in arrival order', async () => {
    const issue = vi.fn(async (_eventId: string, _count: number) => 101);
    const batcher = new JoinBatcher(issue, 5);
    const joins = [batcher.join('e'), batcher.join('e')];
    vi.advanceTimersByTime(3);
    joins.push(batcher.join('e'));
    vi.advanceTimersByTime(1);
    expect(issue).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(issue.mock.calls).toEqual([['e', 3]]);
    await expect(Promise.all(joins)).resolves.toEqual([101, 102, 103]);
  });

  it('batches separate events separately', async () => {
    const bases: Record<string, number> = { a: 1, b: 500 };
    const issue = vi.fn(async (eventId: string) => bases[eventId]!);
    const batcher = new JoinBatcher(issue, 2);
    const joins = ['a', 'b', 'a', 'b', 'a'].map((eventId) => batcher.join(eventId));
    vi.advanceTimersByTime(2);
    expect(issue.mock.calls).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    await expect(Promise.all(joins)).resolves.toEqual([1, 500, 2, 501, 3]);
  });

  it('rejects every join of a batch whose issue fails, and only those', async () => {
    const failure = new Error('store unavailable');
    const batcher = new JoinBatcher(async (eventId) => (eventId === 'bad' ? Promise.reject(failure) : 7), 2);
    const bad = [batcher.join('bad'), batcher.join('bad')];
    const good = batcher.join('good');
    vi.advanceTimersByTime(2);
    await expect(Promise.allSettled([...bad, good])).resolves.toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'fulfilled', value: 7 },
    ]);
  });

  it('starts a new batch after a flush', async () => {
    let next = 1;
    const issue = vi.fn(async (_eventId: string, count: number) => ((next += count), next - count));
    const batcher = new JoinBatcher(issue, 2);
    const first = batcher.join('e');
    batcher.flush();
    expect(issue).toHaveBeenCalledTimes(1);
    const second = [batcher.join('e'), batcher.join('e')];
    vi.advanceTimersByTime(2);
    expect(issue.mock.calls).toEqual([
      ['e', 1],
      ['e', 2],
    ]);
    await expect(first).resolves.toBe(1);
    await expect(Promise.all(second)).resolves.toEqual([2, 3]);
    vi.advanceTimersByTime(100);
    expect(issue).toHaveBeenCalledTimes(2);
  });
});

describe('MinHeap', () => {
  let seed = 99;
  const next = (below: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 8) % below;

  it('pops in key order, duplicates included', () => {
    const values = Array.from({ length: 2000 }, () => next(300));
    const heap = new MinHeap<{ at: number; id: number }>((item) => item.at);
    values.forEach((at, id) => heap.push({ at, id }));
    expect(heap.size).toBe(2000);
    expect(heap.peek()!.at).toBe(Math.min(...values));
    const popped: number[] = [];
    for (let item = heap.pop(); item; item = heap.pop()) popped.push(item.at);
    expect(popped).toEqual([...values].sort((a, b) => a - b));
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
    expect(heap.peek()).toBeUndefined();
  });

  it('agrees with a sorted array under interleaved pushes and pops', () => {
    const heap = new MinHeap<number>((n) => n);
    const model: number[] = [];
    for (let k = 0; k < 5000; k++) {
      if (next(3) > 0 || model.length === 0) {
        const value = next(1000) - 500;
        heap.push(value);
        model.push(value);
        model.sort((a, b) => a - b);
      } else {
        expect(heap.pop()).toBe(model.shift());
      }
      expect(heap.size).toBe(model.length);
      expect(heap.peek()).toBe(model[0]);
    }
  });
});

describe('eventState', () => {
  const event = { opensAt: 1000, closesAt: 2000 };

  it('follows the window, the pause only mattering while open', () => {
    expect(eventState(event, 999, false)).toBe('prequeue');
    expect(eventState(event, 999, true)).toBe('prequeue');
    expect(eventState(event, 1000, false)).toBe('open');
    expect(eventState(event, 1999, true)).toBe('paused');
    expect(eventState(event, 2000, false)).toBe('closed');
    expect(eventState(event, 2000, true)).toBe('closed');
  });
});
