/**
 * The operators' HTTP API on the gateway, HTTP Basic auth against the
 * configured operator accounts:
 *
 *     GET  /admin/events            the live events and their version (viewer, operator)
 *     POST /admin/events[?force=1]  replace them with an events file (operator)
 *
 * Refusals are `{ error: { code, message, … } }`: 401 UNAUTHORIZED, 403
 * FORBIDDEN or BAD_ORIGIN, 400 EVENTS_INVALID (with every problem) or
 * INVALID_JSON, 409 RELOAD_WOULD_STRAND (with the refusals), 413
 * BODY_TOO_LARGE, 415 UNSUPPORTED_MEDIA_TYPE, 429 BUSY, 503 STORE_UNAVAILABLE.
 * A state-changing request carrying an Origin other than the gateway's own
 * is refused before anything else, so a page elsewhere cannot ride on a
 * browser's remembered credentials.
 */
import type { EventRegistry } from '../events/event-registry.js';
import type { EventReloader, ReloadOutcome } from '../events/reloader.js';
import { can, type Operator, type Permission } from '../operators/accounts.js';
import type { AuditLog } from '../operators/audit-log.js';
import { basicCredentials, type OperatorAuthenticator } from '../operators/authenticator.js';
import type { HttpRequest, HttpResponse } from './transport/types.js';

export const ADMIN_PREFIX = '/admin/';

export interface AdminHttpOptions {
  events: EventRegistry;
  reloader: EventReloader;
  authenticator: OperatorAuthenticator;
  audit: AuditLog;
  /** The origin browsers reach the gateway at (gateway.publicUrl), when configured. */
  publicUrl?: string | undefined;
  maxBodyBytes: number;
}

type Refusal = { status: number; code: string; message: string; headers?: Record<string, string> };

function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(value) };
}

function refuse({ status, code, message, headers }: Refusal, details: Record<string, unknown> = {}): HttpResponse {
  return json(status, { error: { code, message, ...details } }, headers);
}

const CHALLENGE = { 'www-authenticate': 'Basic realm="waitroom-admin", charset="UTF-8"' };

/** The gateway's own origins: the configured public URL, else the Host the request was sent to (either scheme). */
export function isOwnOrigin(origin: string, host: string | undefined, publicUrl: string | undefined): boolean {
  if (publicUrl) return origin === new URL(publicUrl).origin;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

export function adminHttp(options: AdminHttpOptions): (request: HttpRequest) => Promise<HttpResponse> {
  const { events, reloader, authenticator, audit } = options;

  async function authorize(request: HttpRequest, permission: Permission): Promise<Operator | Refusal> {
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials) {
      const message = authenticator.hasAccounts ? 'send operator credentials (HTTP Basic)' : 'no operator accounts are configured (config: operators)';
      return { status: 401, code: 'UNAUTHORIZED', message, headers: CHALLENGE };
    }
    const result = await authenticator.authenticate(credentials);
    if (!result.ok && result.reason === 'busy') return { status: 429, code: 'BUSY', message: 'too many sign-in attempts at once; retry shortly', headers: { 'retry-after': '1' } };
    if (!result.ok) return { status: 401, code: 'UNAUTHORIZED', message: 'unknown operator or wrong password', headers: CHALLENGE };
    if (!can(result.operator.role, permission)) {
      return { status: 403, code: 'FORBIDDEN', message: `operator "${result.operator.name}" (${result.operator.role}) may not do this` };
    }
    return result.operator;
  }

  async function replaceEvents(request: HttpRequest): Promise<HttpResponse> {
    const force = /(^|&)force=(1|true|yes)(&|$)/.test(request.query);
    const denied = (refusal: Refusal, actor: string) => {
      audit.record({ actor, via: 'http', action: 'events.reload', result: 'denied', forced: force, reason: refusal.code });
      return refuse(refusal);
    };
    const claimed = basicCredentials(request.headers.authorization)?.name;
    const origin = request.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, request.headers.host, options.publicUrl)) {
      return denied({ status: 403, code: 'BAD_ORIGIN', message: `requests from ${origin} may not change events` }, claimed ? `${claimed} (unverified)` : '(anonymous)');
    }
    const operator = await authorize(request, 'events.change');
    if (!('name' in operator)) return denied(operator, !claimed ? '(anonymous)' : operator.code === 'FORBIDDEN' ? claimed : `${claimed} (unverified)`);
    if (request.bodyTooLarge) return refuse({ status: 413, code: 'BODY_TOO_LARGE', message: `the body exceeds ${options.maxBodyBytes} bytes (admin.maxBodyBytes)`, headers: { connection: 'close' } });
    if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      return refuse({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the events file as application/json' });
    }
    let input: unknown;
    try {
      input = JSON.parse(Buffer.from(request.body ?? new Uint8Array(0)).toString('utf8'));
    } catch (error) {
      const outcome = await reloader.refuseUnreadable(`the body is not valid JSON: ${(error as Error).message}`, { actor: operator.name, via: 'http', force });
      return respond(outcome);
    }
    return respond(await reloader.reload(input, { actor: operator.name, via: 'http', force }));
  }

  return async (request) => {
    if (request.path !== '/admin/events') return refuse({ status: 404, code: 'NOT_FOUND', message: `no route ${request.path}` });
    if (request.method === 'GET' || request.method === 'HEAD') {
      const operator = await authorize(request, 'events.view');
      if (!('name' in operator)) return refuse(operator);
      return json(200, { version: events.version, events: events.current() });
    }
    if (request.method === 'POST') return replaceEvents(request);
    return refuse({ status: 405, code: 'METHOD_NOT_ALLOWED', message: 'GET or POST', headers: { allow: 'GET, HEAD, POST' } });
  };
}

function respond(outcome: ReloadOutcome): HttpResponse {
  switch (outcome.result) {
    case 'applied':
    case 'unchanged':
      return json(200, outcome);
    case 'invalid':
      return refuse({ status: 400, code: outcome.code, message: outcome.message }, { problems: outcome.problems });
    case 'refused':
      return refuse({ status: 409, code: 'RELOAD_WOULD_STRAND', message: 'these changes would strand people; nothing changed (add ?force=1 to apply them anyway)' }, {
        refusals: outcome.refusals,
        changes: outcome.changes,
      });
    case 'failed':
      return refuse({ status: 503, code: 'STORE_UNAVAILABLE', message: outcome.message });
  }
}
