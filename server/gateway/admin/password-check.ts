/**
 * Every operator password check of the admin API, the console's sign-in and
 * HTTP Basic alike, goes through here: the client's address (as the
 * per-client limits derive it, trusted proxies included), the authenticator
 * and its throttle, the audit entry and the sign-in metric, and the refusal.
 *
 * Audited as `operator.sign-in`: every failure (`denied`), every failure that
 * started a lockout (`locked`), every attempt refused unchecked during one
 * (`throttled`); a success (`ok`) when it signs in to the console or clears
 * earlier failures, not on every request of a tool using Basic.
 */
import { HttpErrorCode } from '../../../shared/http/error-codes.js';
import type { BlockList } from 'node:net';
import type { Counter } from 'prom-client';
import type { Operator } from '../../operators/accounts.js';
import type { AuditLog } from '../../operators/audit-log.js';
import type { AuthResult, Credentials, OperatorAuthenticator } from '../../operators/authenticator.js';
import { addressRanges } from '../limits/address-ranges.js';
import { clientAddress } from '../limits/client-address.js';
import type { HttpRequest } from '../transport/types.js';
import type { Refusal } from './responses.js';

/** How an operator request authenticated: the console's session cookie, or HTTP Basic (tools). */
export type Via = 'console' | 'http';

export const SIGN_IN_THROTTLED = HttpErrorCode.SIGN_IN_THROTTLED;

export interface PasswordCheckOptions {
  authenticator: OperatorAuthenticator;
  audit: AuditLog;
  /** waitroom_operator_sign_ins_total. */
  signIns: Counter<'outcome' | 'via'>;
  /** gateway.trustProxy and gateway.clientAddressHeader. */
  trustProxy: readonly string[];
  clientAddressHeader: string;
  now(): number;
}

export class PasswordCheck {
  private readonly trustedProxies: BlockList;

  constructor(private readonly options: PasswordCheckOptions) {
    this.trustedProxies = addressRanges(options.trustProxy);
  }

  /** The operator whose password this is, or why not. */
  async check(request: HttpRequest, credentials: Credentials, via: Via): Promise<{ operator: Operator } | Refusal> {
    const address = clientAddress(request.remoteAddress, request.headers[this.options.clientAddressHeader], this.trustedProxies);
    const result = await this.options.authenticator.authenticate(credentials, address);
    this.options.signIns.inc({ outcome: outcomeOf(result), via });
    const actor = result.ok ? credentials.name : `${credentials.name} (unverified)`;
    const record = (outcome: string, details: Record<string, unknown>) =>
      this.options.audit.record({ actor, via, action: 'operator.sign-in', result: outcome, address, ...details });
    if (result.ok) {
      if (via === 'console' || result.failuresBefore > 0) record('ok', { failuresBefore: result.failuresBefore });
      return { operator: result.operator };
    }
    switch (result.reason) {
      case 'busy':
        return { status: 429, code: HttpErrorCode.BUSY, message: 'too many sign-in attempts at once; retry shortly', headers: { 'retry-after': '1' } };
      case 'unavailable':
        record('failed', { reason: HttpErrorCode.STORE_UNAVAILABLE, message: result.error.message });
        return {
          status: 503,
          code: HttpErrorCode.STORE_UNAVAILABLE,
          message: 'sign-ins cannot be counted while the store is unreachable; nothing was checked; retry shortly',
        };
      case 'throttled': {
        const seconds = secondsUntil(result.retryAt, this.options.now());
        record('throttled', { reason: SIGN_IN_THROTTLED, lockedBy: result.lockedBy, retryAfterSeconds: seconds });
        return {
          status: 429,
          code: SIGN_IN_THROTTLED,
          message: `too many failed sign-ins for this account or from this address; the password was not checked; try again in ${seconds} s`,
          headers: { 'retry-after': String(seconds) },
          details: { retryAfterSeconds: seconds },
        };
      }
      case 'bad_credentials': {
        const refusal: Refusal = { status: 401, code: HttpErrorCode.UNAUTHORIZED, message: 'unknown operator or wrong password' };
        if (!result.lockout) {
          record('denied', { reason: HttpErrorCode.UNAUTHORIZED, failures: result.failures });
          return refusal;
        }
        const seconds = secondsUntil(result.lockout.until, this.options.now());
        record('locked', { reason: HttpErrorCode.UNAUTHORIZED, failures: result.failures, lockedBy: result.lockout.by, lockedSeconds: seconds });
        return { ...refusal, message: `${refusal.message}; too many failures: sign-in is locked for ${seconds} s`, details: { retryAfterSeconds: seconds } };
      }
    }
  }
}

/** The label of waitroom_operator_sign_ins_total. */
function outcomeOf(result: AuthResult): string {
  if (result.ok) return 'ok';
  if (result.reason === 'bad_credentials') return result.lockout ? 'lockout' : 'wrong';
  return result.reason;
}

/** Whole seconds until `at`, at least 1 (a Retry-After of 0 invites a retry that is still refused). */
function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}
