/** What viewers and operators read: the overview, the last hour, the audit log. */
import { HttpErrorCode } from '../../../shared/http/error-codes.js';
import type { AuditResponse, HistoryResponse, OverviewResponse } from '../../../shared/http/console.js';
import { newestReports } from '../history.js';
import type { HttpResponse } from '../transport/types.js';
import { eventRow } from './event-rows.js';
import { json, refuse, STORE_UNAVAILABLE } from './responses.js';
import type { AdminCall, AdminServices } from './services.js';

const HOUR_MS = 3_600_000;
const DEFAULT_AUDIT_ENTRIES = 100;

/** `GET /admin/overview`: every event's row and every node seen in the last hour. */
export async function readOverview({ ctx }: AdminServices, { now }: AdminCall): Promise<HttpResponse> {
  try {
    const [events, reports] = await Promise.all([Promise.all([...ctx.rooms()].map((room) => eventRow(ctx, room, now))), ctx.queue.presence()]);
    const nodes = newestReports(reports, now - HOUR_MS).map(({ name, connections, lastSeenAt }) => ({ node: name, connections, lastSeenAt }));
    return json(200, { now, events, nodes } satisfies OverviewResponse);
  } catch (error) {
    ctx.log.warn({ err: error }, 'admin overview: the store could not be read');
    return refuse({ ...STORE_UNAVAILABLE, message: 'the queue store is unreachable; retry shortly' });
  }
}

/** `GET /admin/history?event=ID`: this gateway's samples of the last hour. */
export async function readHistory({ ctx, history }: AdminServices, { request }: AdminCall): Promise<HttpResponse> {
  const eventId = new URLSearchParams(request.query).get('event');
  if (!eventId) return refuse({ status: 400, code: HttpErrorCode.VALIDATION, message: 'name the event: ?event=ID' });
  if (!ctx.room(eventId)) return refuse({ status: 404, code: HttpErrorCode.UNKNOWN_EVENT, message: `no event "${eventId}"` });
  return json(200, { stepMs: history.stepMs, samples: history.series(eventId) } satisfies HistoryResponse);
}

/** `GET /admin/audit?limit=N`: the latest entries of this process, newest first. */
export async function readAudit({ audit }: AdminServices, { request }: AdminCall): Promise<HttpResponse> {
  const given = new URLSearchParams(request.query).get('limit');
  const limit = given === null ? DEFAULT_AUDIT_ENTRIES : Number(given);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    return refuse({ status: 400, code: HttpErrorCode.VALIDATION, message: 'limit must be a whole number from 1 to 1000' });
  return json(200, { entries: audit.recent.slice(-limit).reverse() } satisfies AuditResponse);
}
