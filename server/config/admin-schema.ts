/** The operators' HTTP API section of the configuration (server/config/schema.ts), with its sign-in throttle. */
import { z } from 'zod';

/**
 * Failed operator passwords, counted per account name and per client address
 * across every gateway (through the store). Past its free failures, each
 * further failure locks the counter for `firstLockoutSeconds`, doubled per
 * failure up to `maxLockoutSeconds`; while locked, no password is checked.
 * A counter is forgotten `forgetAfterSeconds` after its last failure; a right
 * password forgets the account's at once.
 */
const SignInThrottleConfig = z
  .object({
    accountFreeFailures: z.number().int().min(1).max(10_000).default(5).describe('Failures of one account name (from anywhere) before its first lockout.'),
    addressFreeFailures: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(20)
      .describe("Failures from one client address (any names) before its first lockout: higher, as an office's operators share one."),
    firstLockoutSeconds: z.number().int().min(1).max(3600).default(30).describe('The first lockout after the free failures; each further failure doubles it.'),
    maxLockoutSeconds: z.number().int().min(1).max(86_400).default(900).describe('The longest lockout, however many failures.'),
    forgetAfterSeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(86_400)
      .describe('A counter is forgotten this long after its last failure.'),
  })
  .strict()
  .refine((throttle) => throttle.firstLockoutSeconds <= throttle.maxLockoutSeconds, {
    path: ['maxLockoutSeconds'],
    message: 'must be at least firstLockoutSeconds',
  })
  .refine((throttle) => throttle.maxLockoutSeconds <= throttle.forgetAfterSeconds, {
    path: ['forgetAfterSeconds'],
    message: 'must be at least maxLockoutSeconds (a lockout would outlive its count)',
  });

/** The operators' HTTP API on the gateway (`/admin/…`). */
export const AdminConfig = z
  .object({
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 << 20)
      .default(1 << 20)
      .describe('Largest request body accepted (an events file), bytes.'),
    sessionTtlSeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 86400)
      .default(12 * 3600)
      .describe('An operator console session ends this long after its last use.'),
    historyStepMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(5000)
      .describe("How often each gateway samples the console's history (kept in the store for 24 hours, one sample per step for the whole deployment)."),
    signInThrottle: SignInThrottleConfig.default(SignInThrottleConfig.parse({})).describe(
      "Failed operator passwords, counted per account name and per client address across every gateway (through the store). Past its free failures, each further failure locks the counter for firstLockoutSeconds, doubled per failure up to maxLockoutSeconds; while locked, no password is checked. A right password forgets the account's count at once.",
    ),
  })
  .strict();
