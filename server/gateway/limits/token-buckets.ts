/**
 * A token bucket per key: up to `capacity` at once (given at each take, kept
 * with the bucket), refilled at `capacity` per minute. A full bucket is the same as no bucket, so `prune` drops those and
 * the map holds only keys used within the last minute.
 */
export type Take = { ok: true } | { ok: false; retryAt: number };

interface Bucket {
  tokens: number;
  at: number;
  capacity: number;
}

const MINUTE_MS = 60_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token for `key` at `now`, or says when one will be there. */
  take(key: string, capacity: number, now: number): Take {
    const bucket = this.buckets.get(key);
    const tokens = bucket ? refilled(bucket, now) : capacity;
    if (tokens < 1) {
      // Only a used bucket can be empty.
      Object.assign(bucket!, { tokens, at: now, capacity });
      return { ok: false, retryAt: now + Math.ceil(((1 - tokens) * MINUTE_MS) / capacity) };
    }
    if (bucket) Object.assign(bucket, { tokens: tokens - 1, at: now, capacity });
    else this.buckets.set(key, { tokens: tokens - 1, at: now, capacity });
    return { ok: true };
  }

  /** Forgets every bucket that has refilled by `now`. */
  prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (refilled(bucket, now) >= bucket.capacity) this.buckets.delete(key);
    }
  }
}

function refilled({ tokens, at, capacity }: Bucket, now: number): number {
  return Math.min(capacity, tokens + (Math.max(0, now - at) * capacity) / MINUTE_MS);
}
