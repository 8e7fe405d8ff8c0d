/**
 * Signing in to the console: `POST /admin/session` checks the password (the
 * authenticator's scrypt, at most a few at once: 429 BUSY beyond; throttled
 * per account and address: 429 SIGN_IN_THROTTLED) and sets the session cookie; `GET` says who is signed in; `DELETE` signs out, and
 * the server forgets the session.
 */
import { HttpErrorCode } from '../../../shared/http/error-codes.js';
import { SignInBody, type SessionResponse, type SignInResponse } from '../../../shared/http/console.js';
import type { HttpRequest, HttpResponse } from '../transport/types.js';
import { unverifiedActor, type Via } from './access.js';
import { json, readJsonBody, refuse, type Refusal } from './responses.js';
import type { AdminServices } from './services.js';
import { clearedSessionCookie, sessionCookie, sessionIdOf } from './session-cookie.js';

function secureCookies({ ctx }: AdminServices): boolean {
  return ctx.config.gateway.publicUrl?.startsWith('https:') ?? false;
}

function denied(services: AdminServices, action: string, actor: string, refusal: Refusal): HttpResponse {
  services.audit.record({ actor, via: 'console' satisfies Via, action, result: 'denied', reason: refusal.code });
  return refuse(refusal);
}

export async function signIn(services: AdminServices, request: HttpRequest): Promise<HttpResponse> {
  const { access, sessions, ctx } = services;
  const badOrigin = request.headers.origin === undefined ? null : access.originRefusal(request);
  if (badOrigin) return denied(services, 'session.open', '(anonymous)', badOrigin);
  const body = readJsonBody(request, ctx.config.admin.maxBodyBytes);
  if (!body.ok) return refuse(body.refusal);
  const credentials = SignInBody.safeParse(body.value);
  if (!credentials.success) return refuse({ status: 400, code: HttpErrorCode.VALIDATION, message: 'send { "name": …, "password": … }' });
  const { name } = credentials.data;
  const result = await access.signIn(request, credentials.data);
  if ('code' in result) return denied(services, 'session.open', `${name} (unverified)`, result);
  let session: { id: string };
  try {
    session = await sessions.open(result.operator, ctx.clock.now());
  } catch (error) {
    services.audit.record({ actor: name, via: 'console', action: 'session.open', result: 'failed', message: (error as Error).message });
    return refuse({ status: 503, code: HttpErrorCode.STORE_UNAVAILABLE, message: 'sessions cannot be stored while the store is unreachable; retry shortly' });
  }
  services.audit.record({ actor: name, via: 'console', action: 'session.open', result: 'applied' });
  return json(200, { operator: result.operator } satisfies SignInResponse, {
    'set-cookie': sessionCookie(session.id, Math.round(sessions.ttlMs / 1000), secureCookies(services)),
  });
}

export async function whoAmI({ access }: AdminServices, request: HttpRequest): Promise<HttpResponse> {
  const caller = await access.identify(request);
  if ('code' in caller) return refuse(caller);
  return json(200, { operator: caller.operator, via: caller.via } satisfies SessionResponse);
}

export async function signOut(services: AdminServices, request: HttpRequest): Promise<HttpResponse> {
  const badOrigin = services.access.originRefusal(request);
  if (badOrigin) return denied(services, 'session.close', unverifiedActor(request), badOrigin);
  const id = sessionIdOf(request.headers.cookie);
  if (id) {
    let operator;
    try {
      operator = await services.sessions.resume(id, services.ctx.clock.now());
      await services.sessions.close(id);
    } catch {
      return refuse({
        status: 503,
        code: HttpErrorCode.STORE_UNAVAILABLE,
        message: 'the session cannot be ended while the store is unreachable; retry shortly',
      });
    }
    services.audit.record({ actor: operator?.name ?? '(ended session)', via: 'console', action: 'session.close', result: 'applied' });
  }
  return { status: 204, headers: { 'cache-control': 'no-store', 'set-cookie': clearedSessionCookie(secureCookies(services)) }, body: '' };
}
