/** What viewers and operators read: the overview, the last hour, the audit log. */
import { HttpErrorCode } from '../../../shared/http/error-codes.js';
import type { AuditResponse, HistoryResponse, OverviewResponse } from '../../../shared/http/console.js';
import { AUDIT_CURSOR } from '../../store/audit-cursor.js';
import { HISTORY_KEEP_MS, newestReports } from '../history.js';
import type { HttpResponse } from '../transport/types.js';
import { eventRow, unreachableRow } from './event-rows.js';
import { json, refuse, STORE_UNAVAILABLE } from './responses.js';
import type { AdminCall, AdminServices } from './services.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DEFAULT_AUDIT_ENTRIES = 100;
const DEFAULT_HISTORY_MINUTES = 60;

/**
 * `GET /admin/overview`: every event's row and every node seen in the last hour. Each event is read on its own
 * (on a Redis Cluster its shard may be away while the others' are not), and so are the nodes' reports (one
 * deployment-wide key): what cannot be read is flagged, the rest is shown (decision 026). 503 only when nothing could be read.
 */
export async function readOverview({ ctx }: AdminServices, { now }: AdminCall): Promise<HttpResponse> {
  const rooms = [...ctx.rooms()];
  const [rows, reports] = await Promise.all([
    Promise.allSettled(rooms.map((room) => eventRow(ctx, room, now))),
    ctx.queue.presence().then(
      (found) => found,
      () => null,
    ),
  ]);
  const unread = rooms.filter((_, k) => rows[k]!.status === 'rejected').map((room) => room.config.id);
  if (unread.length > 0 || reports === null) {
    const reason = rows.find((row) => row.status === 'rejected')?.reason as unknown;
    ctx.log.warn({ err: reason, events: unread, nodes: reports === null ? 'unread' : 'read' }, 'admin overview: part of the store could not be read');
    if (unread.length === rooms.length && reports === null) return refuse({ ...STORE_UNAVAILABLE, message: 'the queue store is unreachable; retry shortly' });
  }
  const events = rows.map((row, k) => (row.status === 'fulfilled' ? row.value : unreachableRow(rooms[k]!, now)));
  const nodes = newestReports(reports ?? [], now - HOUR_MS).map(({ name, connections, lastSeenAt }) => ({ node: name, connections, lastSeenAt }));
  return json(200, { now, events, nodes, nodesReachable: reports !== null } satisfies OverviewResponse);
}

/** `GET /admin/history?event=ID[&minutes=M]`: the deployment's samples of the last M minutes (from the store, whichever gateway took them). */
export async function readHistory({ ctx, history }: AdminServices, { request, now }: AdminCall): Promise<HttpResponse> {
  const query = new URLSearchParams(request.query);
  const eventId = query.get('event');
  if (!eventId) return refuse({ status: 400, code: HttpErrorCode.VALIDATION, message: 'name the event: ?event=ID' });
  if (!ctx.room(eventId)) return refuse({ status: 404, code: HttpErrorCode.UNKNOWN_EVENT, message: `no event "${eventId}"` });
  const minutes = wholeNumber(query.get('minutes'), DEFAULT_HISTORY_MINUTES);
  const most = HISTORY_KEEP_MS / MINUTE_MS;
  if (minutes === null || minutes < 1 || minutes > most)
    return refuse({ status: 400, code: HttpErrorCode.VALIDATION, message: `minutes must be a whole number from 1 to ${most}` });
  try {
    return json(200, { stepMs: history.stepMs, samples: await history.series(eventId, now, minutes * MINUTE_MS) } satisfies HistoryResponse);
  } catch (error) {
    ctx.log.warn({ err: error }, 'admin history: the store could not be read');
    return refuse({ ...STORE_UNAVAILABLE, message: 'the store is unreachable; retry shortly' });
  }
}

/** `GET /admin/audit?limit=N[&before=CURSOR]`: the deployment's latest entries, newest first, from the store. */
export async function readAudit({ ctx, audit }: AdminServices, { request }: AdminCall): Promise<HttpResponse> {
  const query = new URLSearchParams(request.query);
  const limit = wholeNumber(query.get('limit'), DEFAULT_AUDIT_ENTRIES);
  if (limit === null || limit < 1 || limit > 1000)
    return refuse({ status: 400, code: HttpErrorCode.VALIDATION, message: 'limit must be a whole number from 1 to 1000' });
  const before = query.get('before') ?? undefined;
  if (before !== undefined && !AUDIT_CURSOR.test(before))
    return refuse({ status: 400, code: HttpErrorCode.VALIDATION, message: 'before must be the next of an earlier page' });
  try {
    return json(200, (await audit.list(limit, before)) satisfies AuditResponse);
  } catch (error) {
    ctx.log.warn({ err: error }, 'admin audit: the store could not be read');
    return refuse({ ...STORE_UNAVAILABLE, message: 'the store is unreachable; retry shortly (the process log has every entry)' });
  }
}

/** A query value as a whole number, `fallback` when absent, null when not one. */
function wholeNumber(given: string | null, fallback: number): number | null {
  if (given === null) return fallback;
  const value = Number(given);
  return Number.isInteger(value) ? value : null;
}
