/**
 * Checks an operator's name and password against the configured accounts.
 * Unknown names cost the same scrypt work as known ones (no timing oracle for
 * which names exist), and at most a few checks run at once: each costs tens of
 * milliseconds of CPU, and a flood of guesses must not starve a gateway that
 * holds thousands of waiting connections. Every check first passes the sign-in
 * throttle (./sign-in-throttle.ts): this class is the only way to a password
 * check, so no route can skip it.
 */
import type { SignInCounters } from '../store/types.js';
import type { Operator, OperatorAccount } from './accounts.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { SignInThrottle } from './sign-in-throttle.js';

/** A lockout this failure started: until when (ms), and on which counter. */
export interface Lockout {
  until: number;
  by: keyof SignInCounters;
}

export type AuthResult =
  /** `failuresBefore`: the account's failures this success forgot. */
  | { ok: true; operator: Operator; failuresBefore: number }
  /** `failures`: the account name's count now; `lockout` when this failure started one. */
  | { ok: false; reason: 'bad_credentials'; failures: number; lockout: Lockout | null }
  /** Too many checks are running already; try again shortly (nothing counted). */
  | { ok: false; reason: 'busy' }
  /** The account or the address is locked until `retryAt`: the password was not checked. */
  | { ok: false; reason: 'throttled'; retryAt: number; lockedBy: keyof SignInCounters }
  /** The throttle's store did not answer: nothing checked (fail closed). */
  | { ok: false; reason: 'unavailable'; error: Error };

export interface Credentials {
  name: string;
  password: string;
}

export class OperatorAuthenticator {
  private readonly accounts: Map<string, OperatorAccount>;
  private running = 0;
  /** A real hash of a random password, checked for unknown names. */
  private readonly decoy: Promise<string>;

  constructor(
    accounts: readonly OperatorAccount[],
    private readonly throttle: SignInThrottle,
    private readonly maxConcurrent = 2,
  ) {
    this.accounts = new Map(accounts.map((account) => [account.name, account]));
    const params = accounts[0] ? parametersOf(accounts[0].passwordHash) : undefined;
    this.decoy = hashPassword(`decoy-${Math.random()}`, params);
  }

  get hasAccounts(): boolean {
    return this.accounts.size > 0;
  }

  /** The account's operator as configured now (null when it no longer exists): a session re-reads its role here. */
  operator(name: string): Operator | null {
    const account = this.accounts.get(name);
    return account ? { name: account.name, role: account.role } : null;
  }

  /** `address`: the client's (gateway/limits/client-address.ts), counted by the throttle. */
  async authenticate({ name, password }: Credentials, address: string): Promise<AuthResult> {
    if (this.running >= this.maxConcurrent) return { ok: false, reason: 'busy' };
    this.running++;
    try {
      let admission;
      try {
        admission = await this.throttle.admit(name, address);
      } catch (error) {
        return { ok: false, reason: 'unavailable', error: error as Error };
      }
      if (!admission.ok) return { ok: false, reason: 'throttled', retryAt: admission.retryAt, lockedBy: admission.lockedBy };
      const account = this.accounts.get(name);
      const matches = await verifyPassword(password, account?.passwordHash ?? (await this.decoy));
      if (!account || !matches) {
        const now = this.throttle.now();
        const by = admission.account.lockedUntil > now ? 'account' : admission.address.lockedUntil > now ? 'address' : null;
        return { ok: false, reason: 'bad_credentials', failures: admission.account.failures, lockout: by && { until: admission[by].lockedUntil, by } };
      }
      try {
        await this.throttle.succeeded(name, address);
      } catch (error) {
        return { ok: false, reason: 'unavailable', error: error as Error };
      }
      return { ok: true, operator: { name: account.name, role: account.role }, failuresBefore: admission.account.failures - 1 };
    } finally {
      this.running--;
    }
  }
}

function parametersOf(hash: string): { N: number; r: number; p: number } | undefined {
  const [, N, r, p] = hash.split('$');
  return N && r && p ? { N: Number(N), r: Number(r), p: Number(p) } : undefined;
}

/** The name and password of an `Authorization: Basic …` header, or null when there is none or it is malformed. */
export function basicCredentials(header: string | undefined): Credentials | null {
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return null;
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
