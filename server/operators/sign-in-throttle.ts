/**
 * The throttle every operator password check goes through (the authenticator
 * asks it before each check): failures are counted per account name and per
 * client address in the shared store, so guesses spread over gateways add up.
 * Past the free failures, each further one locks its counter for longer
 * (config admin.signInThrottle; docs/console.md#sign-in-throttle); while a
 * counter is locked, no password is checked, the right one included.
 *
 * The account counter is keyed by a digest of the name as given, known or
 * not: an unknown name is throttled like a real one, so lockouts do not tell
 * which names exist, and any name fits a store key.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { WaitroomConfig } from '../config/schema.js';
import type { LockoutPolicy, SignInAdmission, SignInCounters, SignInThrottleStore } from '../store/types.js';

export type SignInThrottleConfig = WaitroomConfig['admin']['signInThrottle'];

export class SignInThrottle {
  private readonly policies: Record<keyof SignInCounters, LockoutPolicy>;

  constructor(
    private readonly store: SignInThrottleStore,
    config: SignInThrottleConfig,
    private readonly clock: Clock,
  ) {
    const shared = {
      firstLockoutMs: config.firstLockoutSeconds * 1000,
      maxLockoutMs: config.maxLockoutSeconds * 1000,
      forgetAfterMs: config.forgetAfterSeconds * 1000,
    };
    this.policies = { account: { freeFailures: config.accountFreeFailures, ...shared }, address: { freeFailures: config.addressFreeFailures, ...shared } };
  }

  now(): number {
    return this.clock.now();
  }

  /** Counts the attempt of `name` from `address`, or refuses it while either is locked. Rejects when the store is unreachable. */
  admit(name: string, address: string): Promise<SignInAdmission> {
    return this.store.admit(countersOf(name, address), this.policies, this.clock.now());
  }

  /** The admitted attempt's password was right. */
  succeeded(name: string, address: string): Promise<void> {
    return this.store.succeeded(countersOf(name, address), this.clock.now());
  }
}

function countersOf(name: string, address: string): SignInCounters {
  return { account: createHash('sha256').update(name, 'utf8').digest('base64url'), address: address || 'unknown' };
}
