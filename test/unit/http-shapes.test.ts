/**
 * The gateway's HTTP answers are the shapes shared/http/ defines, checked on
 * a real gateway over real HTTP: every route the pages read parses with the
 * schema the page parses it with, and the schema keeps every field the
 * server wrote (a field the server adds without the schema, or drops, fails
 * here before a page meets it). Refusals are ErrorBody with a code of
 * HttpErrorCode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  AuditResponse,
  EventActionResponse,
  EventsResponse,
  HistoryResponse,
  NoticeResponse,
  OverviewResponse,
  RevokeResponse,
  SessionResponse,
  SignInResponse,
} from '../../shared/http/console.js';
import { ErrorBody, HttpErrorCode } from '../../shared/http/error-codes.js';
import { GatewayInfo, HealthResponse } from '../../shared/http/info.js';
import { KioskResponse } from '../../shared/http/kiosk.js';
import { ConsoleApi, testOperators } from '../integration/console-api.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

/** Parses, and nothing the server wrote is lost or added by the parse. */
function expectShape<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`${JSON.stringify(body)} does not parse: ${parsed.error.message}`);
  expect(parsed.data).toStrictEqual(body);
  return parsed.data;
}

function expectRefusal(reply: { status: number; body: unknown }, status: number, code: HttpErrorCode): void {
  expect(reply.status).toBe(status);
  expect(expectShape(ErrorBody, reply.body).error.code).toBe(code);
  expect(Object.values(HttpErrorCode)).toContain(code);
}

describe("the gateway's HTTP answers parse with the shared schemas", () => {
  let system: TestSystem;
  let api: ConsoleApi;
  let client: TestClient;
  const now = Date.now();

  beforeAll(async () => {
    system = await startTestSystem({
      events: [
        testEvent(
          {
            id: 'ev',
            title: { ko: '접종', en: 'Vaccination' },
            timeZone: 'Asia/Seoul',
            prequeueOpensAt: now - 120_000,
            cohorts: [{ id: 'older', label: { ko: '70세 이상', en: '70 and over' }, born: { from: '1900-01-01', to: '1956-12-31' } }],
          },
          now,
        ),
        testEvent({ id: 'later', opensAt: now + 3_600_000, closesAt: now + 7_200_000 }, now),
      ],
      config: { operators: await testOperators(), admin: { historyStepMs: 100 } },
    });
    api = new ConsoleApi(system.gatewayUrl!);
    client = await TestClient.connect(system.wsUrl);
    await client.join('ev', '1950-05-05');
  });

  afterAll(async () => {
    await client?.close();
    await system?.stop();
  });

  const get = async (path: string) => {
    const response = await fetch(`${system.gatewayUrl}${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('GET /api/info: events with their title per language, zone, pre-queue and cohorts', async () => {
    const reply = await get('/api/info');
    expect(reply.status).toBe(200);
    const info = expectShape(GatewayInfo, reply.body);
    const ev = info.events.find((event) => event.id === 'ev')!;
    expect(ev).toMatchObject({ title: { ko: '접종', en: 'Vaccination' }, timeZone: 'Asia/Seoul', prequeueOpensAt: now - 120_000 });
    expect(ev.cohorts).toEqual([
      {
        id: 'older',
        label: { ko: '70세 이상', en: '70 and over' },
        born: { from: '1900-01-01', to: '1956-12-31' },
        opensAt: ev.opensAt,
        closesAt: ev.closesAt,
      },
    ]);
    expect(info.events.find((event) => event.id === 'later')).toMatchObject({ prequeueOpensAt: null, cohorts: [], state: 'prequeue' });
  });

  it('GET /api/kiosk and /healthz; their refusals', async () => {
    const kiosk = await get('/api/kiosk?event=ev&center=c1');
    expect(kiosk.status).toBe(200);
    expectShape(KioskResponse, kiosk.body);
    expectRefusal(await get('/api/kiosk?event=nope'), 404, HttpErrorCode.UNKNOWN_EVENT);
    expectRefusal(await get('/api/kiosk?event=ev&center=nope'), 404, HttpErrorCode.UNKNOWN_CENTER);
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expectShape(HealthResponse, health.body);
    expectRefusal(await get('/no-such-page'), 404, HttpErrorCode.NOT_FOUND);
  });

  it('the admin routes: session, reads and every event action', async () => {
    expectRefusal(await api.call('GET', '/admin/overview'), 401, HttpErrorCode.UNAUTHORIZED);
    const signedIn = await api.signIn('ana');
    expect(signedIn.status).toBe(200);
    expectShape(SignInResponse, signedIn.body);
    expectShape(SessionResponse, (await api.call('GET', '/admin/session')).body);

    const action = async (name: string, body?: unknown) => {
      const reply = await api.call('POST', `/admin/events/ev/${name}`, body === undefined ? {} : { body });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      return reply.body as unknown;
    };
    expectShape(EventActionResponse, await action('pause'));
    expectShape(EventActionResponse, await action('resume'));
    expectShape(EventActionResponse, await action('limits', { maxActive: 5 }));
    expectShape(EventActionResponse, await action('pow', { difficulty: 0 }));
    const notice = expectShape(NoticeResponse, await action('notice', { text: 'Bring your ID' }));
    expect(notice.notice.text).toBe('Bring your ID');
    expectShape(RevokeResponse, await action('revoke', { ticketNo: client.ticketNo }));
    expectShape(EventActionResponse, (await api.call('POST', '/admin/events/later/open-now')).body);
    expectShape(EventActionResponse, (await api.call('POST', '/admin/events/later/close-now')).body);
    expectRefusal(await api.call('POST', '/admin/events/later/open-now'), 409, HttpErrorCode.EVENT_CLOSED);
    expectRefusal(await api.call('POST', '/admin/events/ev/revoke', { body: { ticketNo: 0 } }), 400, HttpErrorCode.VALIDATION);

    const overview = expectShape(OverviewResponse, (await api.call('GET', '/admin/overview')).body);
    expect(overview.events.find((event) => event.id === 'ev')!.notice?.text).toBe('Bring your ID');
    const history = await api.call('GET', '/admin/history?event=ev');
    expectShape(HistoryResponse, history.body);
    const audit = expectShape(AuditResponse, (await api.call('GET', '/admin/audit?limit=1000')).body);
    expect(audit.entries.map((entry) => entry.action)).toEqual(expect.arrayContaining(['queue.pause', 'ticket.revoke', 'event.close-now']));
    expectShape(EventsResponse, (await api.call('GET', '/admin/events')).body);
  });
});
