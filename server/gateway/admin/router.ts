/**
 * The operators' HTTP API on the gateway (docs/console.md has every route
 * and code). Every route goes through one authorization path (session cookie
 * or HTTP Basic, role, and Origin for state-changing requests); every
 * state-changing attempt is audited, refused ones included.
 */
import { HttpErrorCode } from '../../../shared/http/error-codes.js';
import type { EventRegistry } from '../../events/event-registry.js';
import type { EventReloader } from '../../events/reloader.js';
import type { Permission } from '../../operators/accounts.js';
import type { AuditLog } from '../../operators/audit-log.js';
import type { OperatorAuthenticator } from '../../operators/authenticator.js';
import { OperatorSessions } from '../../operators/sessions.js';
import type { OperatorSessionStore } from '../../store/types.js';
import type { GatewayContext } from '../context.js';
import type { EventHistory } from '../history.js';
import type { HttpHandler, HttpRequest, HttpResponse } from '../transport/types.js';
import { AdminAccess, viaOf } from './access.js';
import { forcedBy, listEvents, replaceEvents } from './events-routes.js';
import { PasswordCheck } from './password-check.js';
import { revokeTicket, sendNotice, setPaused } from './queue-actions.js';
import { readAudit, readHistory, readOverview } from './read-routes.js';
import { refuse } from './responses.js';
import { changeLimits, closeNow, openNow } from './schedule-actions.js';
import { changeDifficulty } from '../pow/difficulty-route.js';
import type { AdminCall, AdminServices, EventCall } from './services.js';
import { signIn, signOut, whoAmI } from './session-routes.js';
import { issueLaneCodes, listLaneCodes } from './lane-codes.js';

export const ADMIN_PREFIX = '/admin/';

/** What the process gives the gateway for its admin API (server/main/system.ts). */
export interface AdminDependencies {
  reloader: EventReloader;
  authenticator: OperatorAuthenticator;
  audit: AuditLog;
  sessions: OperatorSessionStore;
}

interface Route<C extends AdminCall> {
  permission: Permission;
  /** State-changing routes are audited under this action, refusals included. */
  action?: string;
  /** More to record with a refusal. */
  auditDetails?: (request: HttpRequest) => Record<string, unknown>;
  handle(services: AdminServices, call: C): Promise<HttpResponse>;
}

const ROUTES = new Map<string, Partial<Record<'GET' | 'POST', Route<AdminCall>>>>(
  Object.entries({
    '/admin/events': {
      GET: { permission: 'events.view', handle: listEvents },
      POST: { permission: 'events.change', action: 'events.reload', auditDetails: (request) => ({ forced: forcedBy(request.query) }), handle: replaceEvents },
    },
    '/admin/overview': { GET: { permission: 'queue.view', handle: readOverview } },
    '/admin/history': { GET: { permission: 'queue.view', handle: readHistory } },
    '/admin/audit': { GET: { permission: 'queue.view', handle: readAudit } },
  }),
);

/** `POST /admin/events/:id/<name>`. */
const EVENT_ROUTES = new Map<string, Route<EventCall>>(
  Object.entries({
    pause: { permission: 'queue.control', action: 'queue.pause', handle: setPaused(true) },
    resume: { permission: 'queue.control', action: 'queue.resume', handle: setPaused(false) },
    limits: { permission: 'events.change', action: 'event.limits', handle: changeLimits },
    pow: { permission: 'events.change', action: 'event.pow', handle: changeDifficulty },
    'open-now': { permission: 'events.change', action: 'event.open-now', handle: openNow },
    'close-now': { permission: 'events.change', action: 'event.close-now', handle: closeNow },
    notice: { permission: 'queue.control', action: 'queue.notice', handle: sendNotice },
    revoke: { permission: 'queue.control', action: 'ticket.revoke', handle: revokeTicket },
    'lane-codes': { permission: 'queue.control', action: 'lane.codes', handle: issueLaneCodes },
  }),
);

/** `GET /admin/events/:id/<name>`: the lane codes can be used to join a lane, so only those who may issue them read them. */
const EVENT_READ_ROUTES = new Map<string, Route<EventCall>>(Object.entries({ 'lane-codes': { permission: 'queue.control', handle: listLaneCodes } }));
const EVENT_ROUTE = /^\/admin\/events\/([^/]{1,64})\/([a-z-]{1,16})$/;

function methodNotAllowed(allow: string[]): HttpResponse {
  return refuse({ status: 405, code: HttpErrorCode.METHOD_NOT_ALLOWED, message: `use ${allow.join(' or ')}`, headers: { allow: allow.join(', ') } });
}

export function adminHttp(dependencies: AdminDependencies, gateway: { ctx: GatewayContext; events: EventRegistry; history: EventHistory }): HttpHandler {
  const { ctx } = gateway;
  const sessions = new OperatorSessions({
    store: dependencies.sessions,
    ttlMs: ctx.config.admin.sessionTtlSeconds * 1000,
    operator: (name) => dependencies.authenticator.operator(name),
  });
  const passwords = new PasswordCheck({
    authenticator: dependencies.authenticator,
    audit: dependencies.audit,
    signIns: ctx.metrics.signIns,
    trustProxy: ctx.config.gateway.trustProxy,
    clientAddressHeader: ctx.config.gateway.clientAddressHeader,
    now: () => ctx.clock.now(),
  });
  const access = new AdminAccess({
    authenticator: dependencies.authenticator,
    passwords,
    sessions,
    publicUrl: ctx.config.gateway.publicUrl,
    now: () => ctx.clock.now(),
  });
  const services: AdminServices = { ...dependencies, ...gateway, sessions, access };

  /** Authorizes, then answers; `eventId` names the event of an event route. */
  async function run<C extends AdminCall>(
    route: Route<C>,
    request: HttpRequest,
    call: (base: AdminCall) => C | HttpResponse,
    eventId?: string,
  ): Promise<HttpResponse> {
    const authorized = await access.authorize(request, route.permission);
    if ('code' in authorized) {
      if (route.action) {
        const details = { ...(eventId ? { event: eventId } : {}), ...route.auditDetails?.(request) };
        services.audit.record({ actor: authorized.actor, via: viaOf(request), action: route.action, result: 'denied', reason: authorized.code, ...details });
      }
      return refuse(authorized);
    }
    const made = call({ request, caller: authorized, now: ctx.clock.now() });
    return 'status' in made ? made : route.handle(services, made);
  }

  function eventCall(route: Route<EventCall>, eventId: string) {
    return (base: AdminCall): EventCall | HttpResponse => {
      const room = ctx.room(eventId);
      if (room) return { ...base, room };
      services.audit.record({
        actor: base.caller.operator.name,
        via: base.caller.via,
        action: route.action!,
        result: 'refused',
        reason: HttpErrorCode.UNKNOWN_EVENT,
        event: eventId,
      });
      return refuse({ status: 404, code: HttpErrorCode.UNKNOWN_EVENT, message: `no event "${eventId}"` });
    };
  }

  return async (request) => {
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (request.path === '/admin/session') {
      if (method === 'GET') return whoAmI(services, request);
      if (method === 'POST') return signIn(services, request);
      if (method === 'DELETE') return signOut(services, request);
      return methodNotAllowed(['GET', 'POST', 'DELETE']);
    }
    const eventRoute = EVENT_ROUTE.exec(request.path);
    const perEvent = eventRoute ? EVENT_ROUTES.get(eventRoute[2]!) : undefined;
    const reading = eventRoute ? EVENT_READ_ROUTES.get(eventRoute[2]!) : undefined;
    if (reading && method === 'GET') return run(reading, request, eventCall(reading, eventRoute![1]!), eventRoute![1]);
    if (perEvent) {
      if (method !== 'POST') return methodNotAllowed(reading ? ['GET', 'POST'] : ['POST']);
      return run(perEvent, request, eventCall(perEvent, eventRoute![1]!), eventRoute![1]);
    }
    const routes = ROUTES.get(request.path);
    if (!routes) return refuse({ status: 404, code: HttpErrorCode.NOT_FOUND, message: `no route ${request.path}` });
    const route = routes[method as 'GET' | 'POST'];
    if (!route) return methodNotAllowed(Object.keys(routes));
    return run(route, request, (base) => base);
  };
}
