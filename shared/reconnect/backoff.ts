/**
 * Full-jitter exponential backoff, the one implementation for everything that
 * reconnects (the waiting page, test clients, the Redis client): the k-th retry waits a uniform
 * random time in [0, min(max, base·2^k)], so the clients of a node that died
 * spread their returns over the whole window instead of arriving in step.
 * Runs in browsers and Node alike.
 */

export interface BackoffOptions {
  /** Ceiling of the first wait (attempt 0), ms. */
  baseMs: number;
  /** The ceiling never grows past this, ms. */
  maxMs: number;
  /** Uniform in [0, 1); injectable so tests can pin the draw. Default Math.random. */
  random?: () => number;
}

/**
 * How a waiting client (the page, any SDK user) comes back after a drop: the
 * first retry within 2 s, so the 20,000 clients of a node that died return
 * over seconds (about 10,000 a second at most) instead of in one burst;
 * doubling to at most 30 s. test/cluster/node-failure.test.ts measures it.
 */
export const CLIENT_RECONNECT: BackoffOptions = { baseMs: 2000, maxMs: 30_000 };

/** Past this exponent the ceiling is at the cap for any sane base; it also keeps 2^k finite. */
const MAX_EXPONENT = 30;

/** The longest wait of retry `attempt` (0-based): min(max, base·2^attempt). */
export function backoffCeiling(attempt: number, { baseMs, maxMs }: BackoffOptions): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), MAX_EXPONENT);
  return Math.min(maxMs, baseMs * 2 ** exponent);
}

/** The wait before retry `attempt`: uniform in [0, backoffCeiling(attempt)). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  return (options.random ?? Math.random)() * backoffCeiling(attempt, options);
}

/** Counts attempts for one reconnecting thing; reset once a connection is accepted. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** Failed attempts since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The wait before the next attempt; counts the attempt. */
  next(): number {
    const delay = backoffDelay(this.attempt, this.options);
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}
