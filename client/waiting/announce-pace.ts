/**
 * When a screen reader should hear the number of people ahead: not on every
 * tick (once a second would drown everything else), but at most every 30 s,
 * or at once when the number crosses a round step (every 1,000 above 1,000,
 * every 100 above 100, every 10 above 10, each one below). State changes and
 * the turn are announced at once by the caller, without asking this.
 */
export const MIN_INTERVAL_MS = 30_000;

/** The round step for `ahead`: crossing a multiple of it is worth announcing. */
export function roundStep(ahead: number): number {
  if (ahead >= 1000) return 1000;
  if (ahead >= 100) return 100;
  if (ahead >= 10) return 10;
  return 1;
}

export class AnnouncePace {
  private lastAhead: number | null = null;
  private lastAt = -Infinity;

  constructor(private readonly minIntervalMs = MIN_INTERVAL_MS) {}

  /** Whether to announce `ahead` now; if so, counts it as announced. */
  shouldAnnounce(ahead: number, now: number): boolean {
    const last = this.lastAhead;
    const due =
      last === null ||
      (ahead !== last && now - this.lastAt >= this.minIntervalMs) ||
      Math.floor(ahead / roundStep(last)) !== Math.floor(last / roundStep(last));
    if (due) {
      this.lastAhead = ahead;
      this.lastAt = now;
    }
    return due;
  }
}
