/** Recovery codes in Redis, shared by every gateway: two hashes and a miss counter per event, in its hash tag. */
import { missWindow, type RecoveryEntry, type RecoveryRedeemOutcome, type RecoveryStore } from '../recovery-types.js';
import { recoveryKeys } from './keys.js';
import type { Scripts } from './scripts.js';

export class RedisRecoveryCodes implements RecoveryStore {
  constructor(
    private readonly scripts: Scripts,
    private readonly prefix: string,
  ) {}

  async set(eventId: string, id: string, entry: RecoveryEntry, now: number): Promise<'stored' | 'used'> {
    const keys = recoveryKeys(this.prefix, eventId);
    // Shape per scripts/recovery-set.lua.
    const stored = await this.scripts.run('recovery-set', [keys.codes, keys.ofTicket], [id, entry.ticketNo, entry.ticket, entry.box, entry.expiresAt, now]);
    return stored === 1 ? 'stored' : 'used';
  }

  async redeem(eventId: string, id: string, now: number, missesPerMinute: number): Promise<RecoveryRedeemOutcome> {
    const keys = recoveryKeys(this.prefix, eventId);
    const window = missWindow(now);
    // Shape per scripts/recovery-redeem.lua.
    const reply = (await this.scripts.run(
      'recovery-redeem',
      [keys.codes, keys.ofTicket, keys.misses(window.index)],
      [id, now, missesPerMinute, window.endsAt],
    )) as [number, (string | number)?, string?];
    if (reply[0] === 1) return { kind: 'found', ticket: String(reply[1]), box: String(reply[2]) };
    if (reply[0] === 2) return { kind: 'limited', retryAt: Number(reply[1]) };
    return { kind: 'unknown' };
  }
}
