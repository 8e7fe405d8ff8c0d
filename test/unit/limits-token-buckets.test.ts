import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../server/gateway/limits/token-buckets.js';

describe('token buckets', () => {
  it('allows a burst of the capacity, then one per 60/capacity seconds, and says when', () => {
    const buckets = new TokenBuckets();
    const now = 1_000_000;
    for (let i = 0; i < 6; i++) expect(buckets.take('a', 6, now)).toEqual({ ok: true });
    expect(buckets.take('a', 6, now)).toEqual({ ok: false, retryAt: now + 10_000 });
    expect(buckets.take('a', 6, now + 9_999).ok).toBe(false);
    expect(buckets.take('a', 6, now + 10_000)).toEqual({ ok: true });
    // Another key has its own bucket.
    expect(buckets.take('b', 6, now)).toEqual({ ok: true });
  });

  it('forgets buckets once refilled, so memory follows the keys used in the last minute', () => {
    const buckets = new TokenBuckets();
    for (let i = 0; i < 10_000; i++) buckets.take(`k${i}`, 600, 0);
    buckets.prune(50);
    expect(buckets.size).toBe(10_000);
    buckets.prune(100);
    expect(buckets.size).toBe(0);
  });

  it('keeps an emptied bucket until it refills', () => {
    const buckets = new TokenBuckets();
    for (let i = 0; i < 3; i++) buckets.take('a', 2, 0);
    buckets.prune(59_999);
    expect(buckets.size).toBe(1);
    buckets.prune(60_000);
    expect(buckets.size).toBe(0);
  });
});
