/**
 * Changing one event from the console: its limits, opening now, closing now.
 * Each is an edit of the live events document applied through the reloader
 * (server/events/reloader.ts), so the rules that guard a reload guard it too:
 * a change they reject is refused with every problem.
 */
import { LimitsBody, type EventActionResponse } from '../../../shared/http/console.js';
import { HttpErrorCode } from '../../../shared/http/error-codes.js';
import type { HttpResponse } from '../transport/types.js';
import { parseBody } from './body.js';
import { closedNow, eventsDocument, openedNow, withLimits, type Edit } from './event-edits.js';
import { eventRow } from './event-rows.js';
import { json, refuse, STORE_UNAVAILABLE } from './responses.js';
import { audit, type AdminServices, type EventCall } from './services.js';

/** Applies an edit of one event through the reloader and audits it (also used by server/gateway/pow/difficulty-route.ts). */
export async function apply(services: AdminServices, call: EventCall, action: string, edit: Edit): Promise<HttpResponse> {
  const eventId = call.room.config.id;
  if (!edit.ok) {
    audit(services, call, action, 'refused', { event: eventId, reason: edit.code });
    return refuse({ status: 409, code: edit.code, message: edit.message });
  }
  const { operator, via } = call.caller;
  const outcome = await services.reloader.reload(eventsDocument(services.events.current(), edit.event), { actor: operator.name, via, force: edit.force });
  const details = { event: eventId, before: edit.before, after: edit.after, forced: edit.force, version: outcome.version };
  audit(services, call, action, outcome.result, details);
  switch (outcome.result) {
    case 'applied':
    case 'unchanged':
      try {
        return json(200, { event: await eventRow(services.ctx, call.room, services.ctx.clock.now()) } satisfies EventActionResponse);
      } catch {
        // Applied; only the figures for the answer could not be read.
        return refuse(STORE_UNAVAILABLE);
      }
    case 'invalid':
      return refuse({ status: 400, code: outcome.code, message: outcome.message }, { problems: outcome.problems });
    case 'refused':
      return refuse(
        { status: 409, code: HttpErrorCode.RELOAD_WOULD_STRAND, message: 'this change would strand people; nothing changed' },
        { refusals: outcome.refusals },
      );
    case 'failed':
      return refuse({ ...STORE_UNAVAILABLE, message: outcome.message });
  }
}

/** `POST /admin/events/:id/limits`: new maxActive and/or admitsPerMinute, from the controller's next step. */
export async function changeLimits(services: AdminServices, call: EventCall): Promise<HttpResponse> {
  const body = parseBody(services, call, 'event.limits', LimitsBody);
  if (!body.ok) return body.response;
  return apply(services, call, 'event.limits', withLimits(call.room.config, body.value));
}

/** `POST /admin/events/:id/open-now`. */
export function openNow(services: AdminServices, call: EventCall): Promise<HttpResponse> {
  return apply(services, call, 'event.open-now', openedNow(call.room.config, call.now));
}

/** `POST /admin/events/:id/close-now`. */
export function closeNow(services: AdminServices, call: EventCall): Promise<HttpResponse> {
  return apply(services, call, 'event.close-now', closedNow(call.room.config, call.now));
}
