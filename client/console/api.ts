/**
 * The operator API on the gateway, one function per route, each answer
 * checked against its shared schema (shared/http/console.ts). The session
 * cookie (HttpOnly) travels by itself; the browser adds the page's Origin to
 * every POST and DELETE, which is what the server checks.
 */
import type { z } from 'zod';
import {
  AuditResponse,
  EventActionResponse,
  HistoryResponse,
  LaneCodesResponse,
  NoticeResponse,
  OverviewResponse,
  RevokeResponse,
  SessionResponse,
  SignInResponse,
  type LaneCodesBody,
  type LimitsBody,
  type NoticeBody,
  type RevokeBody,
  type SignInBody,
} from '../../shared/http/console.js';
import { fetchJson } from '../common/fetch-json.js';
import { readAnswer } from '../common/read-answer.js';

const TIMEOUT_MS = 10_000;

async function get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
  return readAnswer(schema, await fetchJson(path, { timeoutMs: TIMEOUT_MS }), `answer to GET ${path}`);
}

async function post<S extends z.ZodType>(path: string, schema: S, body: unknown = {}): Promise<z.infer<S>> {
  return readAnswer(schema, await fetchJson(path, { method: 'POST', body, timeoutMs: TIMEOUT_MS }), `answer to POST ${path}`);
}

const eventPath = (id: string, action: string) => `/admin/events/${encodeURIComponent(id)}/${action}`;

export const api = {
  signIn: (name: string, password: string) => post('/admin/session', SignInResponse, { name, password } satisfies SignInBody),
  session: () => get('/admin/session', SessionResponse),
  signOut: () => fetchJson('/admin/session', { method: 'DELETE', timeoutMs: TIMEOUT_MS }),
  overview: () => get('/admin/overview', OverviewResponse),
  history: (eventId: string) => get(`/admin/history?event=${encodeURIComponent(eventId)}`, HistoryResponse),
  audit: (limit: number) => get(`/admin/audit?limit=${limit}`, AuditResponse),
  pause: (id: string) => post(eventPath(id, 'pause'), EventActionResponse),
  resume: (id: string) => post(eventPath(id, 'resume'), EventActionResponse),
  openNow: (id: string) => post(eventPath(id, 'open-now'), EventActionResponse),
  closeNow: (id: string) => post(eventPath(id, 'close-now'), EventActionResponse),
  limits: (id: string, limits: LimitsBody) => post(eventPath(id, 'limits'), EventActionResponse, limits),
  notice: (id: string, text: string, en = '') => post(eventPath(id, 'notice'), NoticeResponse, { text, ...(en ? { en } : {}) } satisfies NoticeBody),
  revoke: (id: string, ticketNo: number) => post(eventPath(id, 'revoke'), RevokeResponse, { ticketNo } satisfies RevokeBody),
  issueLaneCodes: (id: string, body: LaneCodesBody) => post(eventPath(id, 'lane-codes'), LaneCodesResponse, body),
  laneCodes: (id: string) => get(eventPath(id, 'lane-codes'), LaneCodesResponse),
};
