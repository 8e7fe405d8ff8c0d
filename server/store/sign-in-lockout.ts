/**
 * The lockout a counted failure starts (ms; 0 for none): nothing for the
 * first `freeFailures`, then `firstLockoutMs`, doubled per further failure,
 * at most `maxLockoutMs`. scripts/sign-in-admit.lua computes the same.
 */
import type { LockoutPolicy } from './types.js';

export function lockoutMs(failures: number, policy: LockoutPolicy): number {
  if (failures <= policy.freeFailures) return 0;
  return Math.min(policy.maxLockoutMs, policy.firstLockoutMs * 2 ** (failures - policy.freeFailures - 1));
}
