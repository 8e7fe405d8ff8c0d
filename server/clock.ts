/**
 * Time is injected everywhere (docs/decisions/002-clock.md): queue order comes
 * from counters, and the clock only decides expiry, grace periods, windows and
 * the admission rate. Tests pass a FakeClock and advance it.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class FakeClock implements Clock {
  constructor(private current = Date.UTC(2026, 10, 24, 11, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}
