/**
 * The operator API on the gateway, one function per route. The session
 * cookie (HttpOnly) travels by itself; the browser adds the page's Origin to
 * every POST and DELETE, which is what the server checks.
 */
import { fetchJson } from '../common/fetch-json.js';
import type { EventRow, HistoryResponse, NoticeView, OperatorView, OverviewResponse } from '../../shared/protocol/console-api.js';
import type { AuditEntry } from '../../server/operators/audit-log.js';

const TIMEOUT_MS = 10_000;

function get<T>(path: string): Promise<T> {
  return fetchJson(path, { timeoutMs: TIMEOUT_MS }) as Promise<T>;
}

function post<T>(path: string, body: unknown = {}): Promise<T> {
  return fetchJson(path, { method: 'POST', body, timeoutMs: TIMEOUT_MS }) as Promise<T>;
}

const eventPath = (id: string, action: string) => `/admin/events/${encodeURIComponent(id)}/${action}`;

export const api = {
  signIn: (name: string, password: string) => post<{ operator: OperatorView }>('/admin/session', { name, password }),
  session: () => get<{ operator: OperatorView }>('/admin/session'),
  signOut: () => fetchJson('/admin/session', { method: 'DELETE', timeoutMs: TIMEOUT_MS }),
  overview: () => get<OverviewResponse>('/admin/overview'),
  history: (eventId: string) => get<HistoryResponse>(`/admin/history?event=${encodeURIComponent(eventId)}`),
  audit: (limit: number) => get<{ entries: AuditEntry[] }>(`/admin/audit?limit=${limit}`),
  pause: (id: string) => post<{ event: EventRow }>(eventPath(id, 'pause')),
  resume: (id: string) => post<{ event: EventRow }>(eventPath(id, 'resume')),
  openNow: (id: string) => post<{ event: EventRow }>(eventPath(id, 'open-now')),
  closeNow: (id: string) => post<{ event: EventRow }>(eventPath(id, 'close-now')),
  limits: (id: string, limits: { maxActive?: number; admitsPerMinute?: number }) => post<{ event: EventRow }>(eventPath(id, 'limits'), limits),
  notice: (id: string, text: string) => post<{ notice: NoticeView | null }>(eventPath(id, 'notice'), { text }),
  revoke: (id: string, ticketNo: number) => post<{ ticketNo: number; wasAdmitted: boolean }>(eventPath(id, 'revoke'), { ticketNo }),
};
