/** What every admin route may use, and the call it answers. */
import type { EventRegistry } from '../../events/event-registry.js';
import type { EventReloader } from '../../events/reloader.js';
import type { AuditLog } from '../../operators/audit-log.js';
import type { OperatorAuthenticator } from '../../operators/authenticator.js';
import type { OperatorSessions } from '../../operators/sessions.js';
import type { EventRoom, GatewayContext } from '../context.js';
import type { EventHistory } from '../history.js';
import type { HttpRequest } from '../transport/types.js';
import type { AdminAccess, Caller } from './access.js';

export interface AdminServices {
  ctx: GatewayContext;
  /** The live events (every event has a room on every gateway). */
  events: EventRegistry;
  reloader: EventReloader;
  audit: AuditLog;
  authenticator: OperatorAuthenticator;
  sessions: OperatorSessions;
  access: AdminAccess;
  history: EventHistory;
}

export interface AdminCall {
  request: HttpRequest;
  caller: Caller;
  now: number;
}

/** A call about one event (`/admin/events/:id/…`). */
export interface EventCall extends AdminCall {
  room: EventRoom;
}

/** One audit entry for the caller's action: who and how come from the call. */
export function audit(services: AdminServices, call: AdminCall, action: string, result: string, details: Record<string, unknown> = {}): void {
  services.audit.record({ actor: call.caller.operator.name, via: call.caller.via, action, result, ...details });
}
