/**
 * The live events as a whole: `GET /admin/events` (the events and their
 * version) and `POST /admin/events[?force=1]` (replace them with an events
 * file; docs/operations.md).
 */
import type { EventsResponse } from '../../../shared/http/console.js';
import { HttpErrorCode } from '../../../shared/http/error-codes.js';
import type { ReloadOutcome } from '../../events/reloader.js';
import type { HttpResponse } from '../transport/types.js';
import { json, readJsonBody, refuse } from './responses.js';
import type { AdminCall, AdminServices } from './services.js';

export function forcedBy(query: string): boolean {
  return /(^|&)force=(1|true|yes)(&|$)/.test(query);
}

export async function listEvents({ events }: AdminServices): Promise<HttpResponse> {
  return json(200, { version: events.version, events: events.current() } satisfies EventsResponse);
}

export async function replaceEvents({ reloader, ctx }: AdminServices, { request, caller }: AdminCall): Promise<HttpResponse> {
  const reload = { actor: caller.operator.name, via: caller.via, force: forcedBy(request.query) };
  const body = readJsonBody(request, ctx.config.admin.maxBodyBytes);
  if (body.ok) return respond(await reloader.reload(body.value, reload));
  // Unreadable JSON is an attempt like any other: the reloader audits it.
  if (body.refusal.code === HttpErrorCode.INVALID_JSON) return respond(await reloader.refuseUnreadable(body.refusal.message, reload));
  return refuse(body.refusal);
}

function respond(outcome: ReloadOutcome): HttpResponse {
  switch (outcome.result) {
    case 'applied':
    case 'unchanged':
      return json(200, outcome);
    case 'invalid':
      return refuse({ status: 400, code: outcome.code, message: outcome.message }, { problems: outcome.problems });
    case 'refused':
      return refuse(
        {
          status: 409,
          code: HttpErrorCode.RELOAD_WOULD_STRAND,
          message: 'these changes would strand people; nothing changed (add ?force=1 to apply them anyway)',
        },
        {
          refusals: outcome.refusals,
          changes: outcome.changes,
        },
      );
    case 'failed':
      return refuse({ status: 503, code: HttpErrorCode.STORE_UNAVAILABLE, message: outcome.message });
  }
}
