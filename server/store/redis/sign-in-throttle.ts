/**
 * Sign-in counters in Redis, shared by every gateway: one hash per counter,
 * both counters of an attempt checked and counted in one script, each key
 * expiring forgetAfterMs after its last count (or when its lockout ends, if later).
 */
import type { LockoutPolicy, SignInAdmission, SignInCounters, SignInThrottleStore } from '../types.js';
import { globalKeys } from './keys.js';
import type { Scripts } from './scripts.js';

const COUNTERS = ['account', 'address'] as const;

export class RedisSignInThrottle implements SignInThrottleStore {
  constructor(
    private readonly scripts: Scripts,
    private readonly prefix: string,
  ) {}

  async admit(counters: SignInCounters, policies: Record<keyof SignInCounters, LockoutPolicy>, now: number): Promise<SignInAdmission> {
    const args = [now, ...COUNTERS.flatMap((which) => policyArgs(policies[which]))];
    // Shape per scripts/sign-in-admit.lua.
    const reply = (await this.scripts.run('sign-in-admit', this.keysOf(counters), args)) as number[];
    if (reply[0] === 0) return { ok: false, retryAt: reply[1]!, lockedBy: COUNTERS[reply[2]! - 1]! };
    return { ok: true, account: { failures: reply[1]!, lockedUntil: reply[2]! }, address: { failures: reply[3]!, lockedUntil: reply[4]! } };
  }

  async succeeded(counters: SignInCounters): Promise<void> {
    await this.scripts.run('sign-in-succeeded', this.keysOf(counters), []);
  }

  private keysOf(counters: SignInCounters): string[] {
    const keys = globalKeys(this.prefix);
    return COUNTERS.map((which) => keys.signInCounter(which, counters[which]));
  }
}

function policyArgs({ freeFailures, firstLockoutMs, maxLockoutMs, forgetAfterMs }: LockoutPolicy): number[] {
  return [freeFailures, firstLockoutMs, maxLockoutMs, forgetAfterMs];
}
