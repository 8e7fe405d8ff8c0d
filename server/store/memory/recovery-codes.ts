/** Recovery codes in process memory (one process is the whole deployment): the same rules as the Redis scripts. */
import { missWindow, type RecoveryEntry, type RecoveryRedeemOutcome, type RecoveryStore } from '../recovery-types.js';
import { ExpiringMap } from './expiring-map.js';

export class MemoryRecoveryCodes implements RecoveryStore {
  /** `<event> <id>` → entry, or 'used' once redeemed. */
  private readonly codes = new ExpiringMap<RecoveryEntry | 'used'>();
  /** `<event> <ticketNo>` → the id of its live code. */
  private readonly ofTicket = new ExpiringMap<string>();
  /** `<event> <minute>` → misses. */
  private readonly misses = new ExpiringMap<number>();

  async set(eventId: string, id: string, entry: RecoveryEntry, now: number): Promise<'stored' | 'used'> {
    if (this.codes.get(`${eventId} ${id}`, now) === 'used') return 'used';
    const ticketKey = `${eventId} ${entry.ticketNo}`;
    const earlier = this.ofTicket.get(ticketKey, now);
    if (earlier !== undefined && earlier !== id) this.codes.delete(`${eventId} ${earlier}`);
    this.codes.set(`${eventId} ${id}`, { ...entry }, entry.expiresAt, now);
    this.ofTicket.set(ticketKey, id, entry.expiresAt, now);
    return 'stored';
  }

  async redeem(eventId: string, id: string, now: number, missesPerMinute: number): Promise<RecoveryRedeemOutcome> {
    const window = missWindow(now);
    const missKey = `${eventId} ${window.index}`;
    const misses = this.misses.get(missKey, now) ?? 0;
    if (misses >= missesPerMinute) return { kind: 'limited', retryAt: window.endsAt };
    const entry = this.codes.get(`${eventId} ${id}`, now);
    if (!entry || entry === 'used') {
      this.misses.set(missKey, misses + 1, window.endsAt, now);
      return { kind: 'unknown' };
    }
    this.codes.set(`${eventId} ${id}`, 'used', entry.expiresAt, now);
    const ticketKey = `${eventId} ${entry.ticketNo}`;
    if (this.ofTicket.get(ticketKey, now) === id) this.ofTicket.delete(ticketKey);
    return { kind: 'found', ticket: entry.ticket, box: entry.box };
  }
}
