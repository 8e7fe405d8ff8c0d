/** Sign-in counters in process memory (one process is the whole deployment); each vanishes forgetAfterMs after its last count. */
import { lockoutMs } from '../sign-in-lockout.js';
import type { LockoutPolicy, SignInAdmission, SignInCounters, SignInCounterState, SignInThrottleStore } from '../types.js';
import { ExpiringMap } from './expiring-map.js';

const COUNTERS = ['account', 'address'] as const;

export class MemorySignInThrottle implements SignInThrottleStore {
  private readonly counters = new ExpiringMap<SignInCounterState>();

  async admit(counters: SignInCounters, policies: Record<keyof SignInCounters, LockoutPolicy>, now: number): Promise<SignInAdmission> {
    for (const which of COUNTERS) {
      const lockedUntil = this.counters.get(keyOf(which, counters), now)?.lockedUntil ?? 0;
      if (lockedUntil > now) return { ok: false, retryAt: lockedUntil, lockedBy: which };
    }
    const [account, address] = COUNTERS.map((which) => this.count(keyOf(which, counters), policies[which], now)) as [SignInCounterState, SignInCounterState];
    return { ok: true, account, address };
  }

  async succeeded(counters: SignInCounters, now: number): Promise<void> {
    this.counters.delete(keyOf('account', counters));
    const key = keyOf('address', counters);
    const address = this.counters.get(key, now);
    if (!address) return;
    if (address.failures <= 1) this.counters.delete(key);
    else address.failures -= 1;
  }

  private count(key: string, policy: LockoutPolicy, now: number): SignInCounterState {
    const before = this.counters.get(key, now);
    const failures = (before?.failures ?? 0) + 1;
    const lockout = lockoutMs(failures, policy);
    const state = { failures, lockedUntil: lockout > 0 ? now + lockout : (before?.lockedUntil ?? 0) };
    this.counters.set(key, state, now + Math.max(policy.forgetAfterMs, lockout), now);
    return state;
  }
}

function keyOf(which: keyof SignInCounters, counters: SignInCounters): string {
  return `${which}:${counters[which]}`;
}
