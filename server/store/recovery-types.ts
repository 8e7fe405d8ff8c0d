/**
 * The recovery codes' store contract (docs/decisions/030-recovery-code.md): per event, at most one live code per
 * ticket, each found by its id and used once; failed look-ups counted per event and minute, so that guessing is
 * bounded across every gateway. One store call per code shown or used, never per tick.
 */

/** What a device that shows a code leaves in the store: nothing that books or resumes without the code. */
export interface RecoveryEntry {
  ticketNo: number;
  /** The ticket token (useless without the secret: decision 013). */
  ticket: string;
  /** The secret sealed under a key derived from the code (shared/recovery/sealed-secret.ts). */
  box: string;
  /** The ticket's expiry (ms): the entry goes with it. */
  expiresAt: number;
}

export type RecoveryRedeemOutcome =
  | { kind: 'found'; ticket: string; box: string }
  /** No live entry has this id; counted as a miss of the event. */
  | { kind: 'unknown' }
  /** The event's misses this minute reached the limit: nothing was looked up. */
  | { kind: 'limited'; retryAt: number };

/** Misses are counted in whole minutes of the injected clock: the window `now` falls in, and when it ends. */
export const RECOVERY_MISS_WINDOW_MS = 60_000;

export function missWindow(now: number): { index: number; endsAt: number } {
  const index = Math.floor(now / RECOVERY_MISS_WINDOW_MS);
  return { index, endsAt: (index + 1) * RECOVERY_MISS_WINDOW_MS };
}

export interface RecoveryStore {
  /**
   * Makes `id` the ticket's one live code: an earlier code of the same ticket stops working. `used`, and nothing
   * stored, when `id` was redeemed already: a code shown on a screen works once, and its photograph never again.
   */
  set(eventId: string, id: string, entry: RecoveryEntry, now: number): Promise<'stored' | 'used'>;
  /**
   * Uses a code once: its entry is returned and forgotten (its id is remembered as used until the ticket expires). Checked first against the event's misses this
   * minute (`missesPerMinute`): at the limit, even a right code waits for the next minute.
   */
  redeem(eventId: string, id: string, now: number, missesPerMinute: number): Promise<RecoveryRedeemOutcome>;
}
