/**
 * The admission rate shown to waiters for their ETA (docs/decisions/001-position-and-eta.md).
 *
 * Only steps where people were still waiting afterwards say anything about the
 * queue's speed (otherwise demand, not capacity, limited them), so only those
 * feed an exponentially decayed average. Until it has seen WARMUP_MS of such
 * steps it reports the configured rate; after that the measured one, never
 * above the configured limit. A `maxActive`-bound queue (bookers slower than
 * the rate) thus shows its real, lower speed.
 */
const TAU_MS = 20_000;
const WARMUP_MS = 5_000;

export class RateEstimator {
  private decayedCount = 0;
  private observedMs = 0;
  private lastAt: number | null = null;

  constructor(private configuredPerMinute: number) {}

  setConfigured(perMinute: number): void {
    this.configuredPerMinute = perMinute;
  }

  /** Record one admission step: `admitted` people at `now`, and whether people were still waiting after it. */
  record(now: number, admitted: number, backlogged: boolean): void {
    const elapsed = this.lastAt === null ? 0 : Math.max(0, now - this.lastAt);
    this.lastAt = now;
    if (!backlogged) return;
    this.decayedCount = this.decayedCount * Math.exp(-elapsed / TAU_MS) + admitted;
    this.observedMs += elapsed;
  }

  /** People per minute. */
  perMinute(): number {
    if (this.observedMs < WARMUP_MS) return this.configuredPerMinute;
    // A constant rate λ observed for time T gives decayedCount ≈ λ·τ·(1 − e^(−T/τ)).
    const measured = (this.decayedCount / (TAU_MS * (1 - Math.exp(-this.observedMs / TAU_MS)))) * 60_000;
    return Math.min(this.configuredPerMinute, measured);
  }
}
