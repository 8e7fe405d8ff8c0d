/**
 * The one authorization path of the admin API, for the console's session
 * cookie and HTTP Basic alike: who is asking, may their role do this, and
 * does a state-changing request come from the gateway's own pages.
 *
 * Origin rules (CSRF): a POST/PUT/DELETE carrying an Origin other than the
 * gateway's own is refused before anything else. One signed in by cookie must
 * carry the gateway's Origin (browsers always send it on such requests, so an
 * absent one is not a browser of ours); tools using Basic auth send none.
 */
import { HttpErrorCode } from '../../../shared/http/error-codes.js';
import { can, type Operator, type Permission } from '../../operators/accounts.js';
import { basicCredentials, type Credentials, type OperatorAuthenticator } from '../../operators/authenticator.js';
import type { OperatorSessions } from '../../operators/sessions.js';
import { isOwnOrigin } from '../origin.js';
import type { HttpRequest } from '../transport/types.js';
import type { PasswordCheck, Via } from './password-check.js';

export type { Via };
import type { Refusal } from './responses.js';
import { sessionIdOf } from './session-cookie.js';

/** How the caller signs in: `console` by session cookie, `http` by Basic credentials or none (audited as `via`). */

export interface Caller {
  operator: Operator;
  via: Via;
}

/** A refusal, and who to name for it in the audit log. */
export interface Denial extends Refusal {
  actor: string;
}

export interface AdminAccessOptions {
  authenticator: OperatorAuthenticator;
  /** The one way to check a password (throttled, audited): Basic credentials here, the console's sign-in too. */
  passwords: PasswordCheck;
  sessions: OperatorSessions;
  /** gateway.publicUrl, when configured. */
  publicUrl: string | undefined;
  now(): number;
}

const CHALLENGE = { 'www-authenticate': 'Basic realm="waitroom-admin", charset="UTF-8"' };

export function isStateChanging(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'DELETE' || method === 'PATCH';
}

export function viaOf(request: HttpRequest): Via {
  if (basicCredentials(request.headers.authorization)) return 'http';
  return sessionIdOf(request.headers.cookie) ? 'console' : 'http';
}

export class AdminAccess {
  constructor(private readonly options: AdminAccessOptions) {}

  /** The refusal of a state-changing request from elsewhere than the gateway's own pages, or null. */
  originRefusal(request: HttpRequest): Refusal | null {
    const origin = request.headers.origin;
    if (origin === undefined) {
      if (viaOf(request) === 'http') return null;
      return { status: 403, code: HttpErrorCode.BAD_ORIGIN, message: 'a request signed in by session cookie must carry the Origin of this gateway' };
    }
    if (isOwnOrigin(origin, request.headers.host, this.options.publicUrl)) return null;
    return { status: 403, code: HttpErrorCode.BAD_ORIGIN, message: `requests from ${origin} may not act here` };
  }

  /** The console's sign-in (`POST /admin/session`): the operator, or why not. */
  signIn(request: HttpRequest, credentials: Credentials): Promise<{ operator: Operator } | Refusal> {
    return this.options.passwords.check(request, credentials, 'console');
  }

  /** Origin (for state-changing requests), identity, then role: the caller, or why not. */
  async authorize(request: HttpRequest, permission: Permission): Promise<Caller | Denial> {
    if (isStateChanging(request.method)) {
      const badOrigin = this.originRefusal(request);
      if (badOrigin) return { ...badOrigin, actor: unverifiedActor(request) };
    }
    const caller = await this.identify(request);
    if ('code' in caller) return { ...caller, actor: unverifiedActor(request) };
    if (!can(caller.operator.role, permission)) {
      const { name, role } = caller.operator;
      return { status: 403, code: HttpErrorCode.FORBIDDEN, message: `operator "${name}" (${role}) may not do this`, actor: name };
    }
    return caller;
  }

  /** Who sent the request: Basic credentials when given, else the session cookie. */
  async identify(request: HttpRequest): Promise<Caller | Refusal> {
    const credentials = basicCredentials(request.headers.authorization);
    if (credentials) {
      const checked = await this.options.passwords.check(request, credentials, 'http');
      if ('code' in checked) return checked.status === 401 ? { ...checked, headers: { ...checked.headers, ...CHALLENGE } } : checked;
      return { operator: checked.operator, via: 'http' };
    }
    const sessionId = sessionIdOf(request.headers.cookie);
    if (sessionId) {
      let operator: Operator | null;
      try {
        operator = await this.options.sessions.resume(sessionId, this.options.now());
      } catch {
        return { status: 503, code: HttpErrorCode.STORE_UNAVAILABLE, message: 'sessions cannot be checked while the store is unreachable; retry shortly' };
      }
      if (operator) return { operator, via: 'console' };
      return { status: 401, code: HttpErrorCode.UNAUTHORIZED, message: 'the session has ended; sign in again' };
    }
    const message = this.options.authenticator.hasAccounts
      ? 'sign in (POST /admin/session) or send operator credentials (HTTP Basic)'
      : 'no operator accounts are configured (config: operators)';
    // Only tools get the Basic challenge: in a browser's scripted request it would pop up a password dialog over the console.
    return { status: 401, code: HttpErrorCode.UNAUTHORIZED, message, ...(fromScript(request) ? {} : { headers: CHALLENGE }) };
  }
}

/** Who to name in the audit log for a request refused before its identity was verified. */
export function unverifiedActor(request: HttpRequest): string {
  const claimed = basicCredentials(request.headers.authorization)?.name;
  if (claimed) return `${claimed} (unverified)`;
  return sessionIdOf(request.headers.cookie) ? '(session)' : '(anonymous)';
}

/** A browser's fetch or XHR (Fetch Metadata), as opposed to a navigation or a tool such as curl. */
function fromScript(request: HttpRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  return site !== undefined && request.headers['sec-fetch-mode'] !== 'navigate';
}
