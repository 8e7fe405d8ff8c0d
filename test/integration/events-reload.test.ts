/**
 * Changing events while 500 people wait (Redis store, real sockets): valid
 * changes apply over HTTP and on SIGHUP and nobody loses their place; invalid
 * ones are refused with every problem and change nothing; removing an event
 * people wait in is refused unless forced; the admin API checks credentials,
 * role and Origin; every attempt is audited. Also a real SIGHUP to a gateway
 * process.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol/codes.js';
import { peopleAhead } from '../../shared/queue/position.js';
import { generateKeys } from '../../server/config/keys.js';
import { reloadOnSignal } from '../../server/main/system.js';
import { silentLogger } from '../../server/observability/log.js';
import { hashPassword } from '../../server/operators/passwords.js';
import type { QueueFigures, Stores } from '../../server/store/types.js';
import { cleanUpProcesses, startNode, stopAll, type ServingNode } from '../support/processes.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type EventInput, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const CLIENTS = 500;
/** Cheap scrypt parameters: the cost is not under test here. */
const FAST = { N: 1024, r: 8, p: 1 };
const redis = storeFactories.find((factory) => factory.name === 'redis')!;

interface Reply {
  status: number;
  headers: Headers;
  body: {
    result?: string;
    version?: number;
    forced?: boolean;
    changes?: { kind: string; eventId: string; fields?: { field: string; before: unknown; after: unknown }[] }[];
    overridden?: { code: string; eventId: string }[];
    events?: { id: string; title: { en: string } }[];
    error?: { code: string; message: string; problems?: { path: string; message: string }[]; refusals?: { code: string; eventId: string }[] };
  };
}

describe('changing events while 500 people wait (Redis store)', () => {
  let dir: string;
  let eventsFile: string;
  let auditFile: string;
  let stores: Stores;
  let system: TestSystem;
  let base: EventInput;
  const clients: TestClient[] = [];
  const tickets = new Map<TestClient, number>();

  async function admin(
    method: 'GET' | 'POST',
    options: { user?: [string, string]; body?: unknown; raw?: string; query?: string; origin?: string | null; contentType?: string } = {},
  ): Promise<Reply> {
    const [user, password] = options.user ?? ['ana', 'ana-password-1'];
    const headers: Record<string, string> = { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
    if (method === 'POST') headers['content-type'] = options.contentType ?? 'application/json';
    // A browser on the gateway's own page sends its own origin; curl sends none.
    const origin = options.origin === undefined ? new URL(system.gatewayUrl!).origin : options.origin;
    if (origin !== null) headers.origin = origin;
    const response = await fetch(`${system.gatewayUrl}/admin/events${options.query ?? ''}`, {
      method,
      headers,
      ...(method === 'POST' ? { body: options.raw ?? JSON.stringify(options.body) } : {}),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Reply['body'] };
  }

  async function queueFigures(): Promise<Omit<QueueFigures, 'ratePerMinute'>> {
    const { ratePerMinute: _rate, ...figures } = await stores.queue.figures('ev', Date.now(), 1);
    return figures;
  }

  /** Every waiter holds the same ticket on the same connection, ticks again after `since`, and sees the same people ahead. */
  async function expectEveryoneKeptTheirPlace(since: number): Promise<void> {
    const ticks = await Promise.all(clients.map((client) => client.waitFor('tick', (tick) => tick.e === 'ev' && tick.t > since, 10_000)));
    clients.forEach((client, k) => {
      expect(client.closeCode).toBeNull();
      expect(client.ticketNo).toBe(tickets.get(client));
      expect(client.messages.filter((m) => m.type === 'ticket')).toHaveLength(1);
      // Paused and nobody left: exactly the earlier arrivals are ahead, in ticket order.
      expect(peopleAhead(ticks[k]!, client.ticketNo)).toBe(client.ticketNo - 1);
    });
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'waitroom-reload-'));
    eventsFile = join(dir, 'events.json');
    auditFile = join(dir, 'audit.jsonl');
    base = testEvent({ id: 'ev', maxActive: 5 });
    await writeFile(eventsFile, JSON.stringify({ events: [base] }));
    stores = await redis.create();
    await stores.queue.setPaused('ev', true);
    const operators = [
      { name: 'ana', role: 'operator', passwordHash: await hashPassword('ana-password-1', FAST) },
      { name: 'vic', role: 'viewer', passwordHash: await hashPassword('vic-password-1', FAST) },
    ];
    system = await startTestSystem({ store: 'redis', stores, config: { eventsFile, auditLogFile: auditFile, operators } });
    clients.push(...(await Promise.all(Array.from({ length: CLIENTS }, () => TestClient.connect(system.wsUrl)))));
    await Promise.all(clients.map((client) => client.join('ev')));
    for (const client of clients) tickets.set(client, client.ticketNo);
    expect(new Set(tickets.values())).toEqual(new Set(Array.from({ length: CLIENTS }, (_, k) => k + 1)));
    await Promise.all(clients.map((client) => client.waitFor('tick', (tick) => tick.i === CLIENTS && tick.st === 'paused')));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await system?.stop();
    await stores?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a valid change over HTTP applies at once: rate, title, a new event; nobody loses their place', async () => {
    const figuresBefore = await queueFigures();
    const since = Date.now();
    const reply = await admin('POST', {
      body: {
        events: [
          { ...base, admitsPerMinute: 1234, title: { ko: '바뀐 제목', en: 'Changed title' } },
          { ...base, id: 'ev-new' },
        ],
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ result: 'applied', version: 2, forced: false });
    expect(reply.body.changes).toEqual([
      {
        kind: 'changed',
        eventId: 'ev',
        fields: [
          { field: 'title.ko', before: 'Test event', after: '바뀐 제목' },
          { field: 'title.en', before: 'Test event', after: 'Changed title' },
          { field: 'admitsPerMinute', before: 60_000, after: 1234 },
        ],
      },
      expect.objectContaining({ kind: 'added', eventId: 'ev-new' }),
    ]);
    expect(system.events.version).toBe(2);
    expect(system.events.get('ev')!.admitsPerMinute).toBe(1234);

    const info = (await (await fetch(`${system.gatewayUrl}/api/info`)).json()) as { events: { id: string; title: { en: string } }[] };
    expect(info.events.map((e) => [e.id, e.title.en])).toEqual([
      ['ev', 'Changed title'],
      ['ev-new', 'Test event'],
    ]);
    // The new event has a room, a queue and ticks.
    const newcomer = await TestClient.connect(system.wsUrl);
    try {
      expect((await newcomer.join('ev-new')).ticketNo).toBe(1);
      await newcomer.waitFor('tick', (tick) => tick.e === 'ev-new' && tick.i === 1);
      // The controller admits for it (it is not paused).
      expect((await newcomer.waitFor('admitted')).eventId).toBe('ev-new');
    } finally {
      await newcomer.close();
    }
    await expectEveryoneKeptTheirPlace(since);
    expect(await queueFigures()).toEqual(figuresBefore);
  }, 60_000);

  it('SIGHUP re-reads the events file and applies it the same way', async () => {
    const since = Date.now();
    await writeFile(
      eventsFile,
      JSON.stringify({
        events: [
          { ...base, admitsPerMinute: 1234, graceSeconds: 45, title: 'From the file' },
          { ...base, id: 'ev-new' },
        ],
      }),
    );
    const outcome = await reloadOnSignal(system, silentLogger);
    expect(outcome).toMatchObject({ result: 'applied', version: 3 });
    expect(outcome?.result === 'applied' && outcome.changes).toEqual([
      {
        kind: 'changed',
        eventId: 'ev',
        fields: [
          { field: 'title.ko', before: '바뀐 제목', after: 'From the file' },
          { field: 'title.en', before: 'Changed title', after: 'From the file' },
          { field: 'graceSeconds', before: 30, after: 45 },
        ],
      },
    ]);
    expect(system.events.get('ev')!.graceSeconds).toBe(45);
    await expectEveryoneKeptTheirPlace(since);
    // The same file again changes nothing.
    expect(await reloadOnSignal(system, silentLogger)).toMatchObject({ result: 'unchanged', version: 3 });
  }, 60_000);

  it('an invalid change is refused with every problem listed, and nothing changes', async () => {
    const events = system.events.current();
    const figuresBefore = await queueFigures();
    const reply = await admin('POST', {
      body: {
        events: [
          { ...base, id: 'Bad Id', maxActive: 0, closesAt: (base.opensAt as number) - 1 },
          { ...base, id: 'ev-new', centers: [], admitsPerMinute: -5 },
        ],
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error!.code).toBe('EVENTS_INVALID');
    const paths = reply.body.error!.problems!.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['events.0.id', 'events.0.maxActive', 'events.0.closesAt', 'events.1.centers', 'events.1.admitsPerMinute']));

    const notJson = await admin('POST', { raw: '{"events": [' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error!.code).toBe('INVALID_JSON');
    const wrongType = await admin('POST', { raw: 'events=1', contentType: 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error!.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const huge = await admin('POST', { raw: JSON.stringify({ events: [base], pad: 'x'.repeat(1.5 * (1 << 20)) }) });
    expect(huge.status).toBe(413);
    expect(huge.body.error!.code).toBe('BODY_TOO_LARGE');

    // The same through the file: the 03:00–09:00 schedule of 2021 is refused, naming the hole.
    await writeFile(eventsFile, await readFile('test/fixtures/events/broken-0300-0900.json'));
    const fromFile = await reloadOnSignal(system, silentLogger);
    expect(fromFile).toMatchObject({ result: 'invalid', code: 'EVENTS_INVALID' });
    expect(fromFile?.result === 'invalid' && fromFile.problems.map((p) => p.message).join()).toMatch(/03:00 to 2021-07-21 09:00/);

    expect(system.events.version).toBe(3);
    expect(system.events.current()).toBe(events);
    expect(await queueFigures()).toEqual(figuresBefore);
  }, 60_000);

  it('the admin API: 401 without or with wrong credentials, 403 for a viewer or a foreign Origin', async () => {
    const change = { events: [{ ...base, maxActive: 99 }] };
    const anonymous = await fetch(`${system.gatewayUrl}/admin/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(change),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(((await anonymous.json()) as Reply['body']).error!.code).toBe('UNAUTHORIZED');

    const wrong = await admin('POST', { user: ['ana', 'not-her-password'], body: change });
    expect([wrong.status, wrong.body.error!.code]).toEqual([401, 'UNAUTHORIZED']);
    const unknown = await admin('POST', { user: ['mallory', 'ana-password-1'], body: change });
    expect([unknown.status, unknown.body.error!.code]).toEqual([401, 'UNAUTHORIZED']);
    const viewer = await admin('POST', { user: ['vic', 'vic-password-1'], body: change });
    expect([viewer.status, viewer.body.error!.code]).toEqual([403, 'FORBIDDEN']);
    const foreign = await admin('POST', { origin: 'https://evil.example', body: change });
    expect([foreign.status, foreign.body.error!.code]).toEqual([403, 'BAD_ORIGIN']);

    // A viewer may look; nobody anonymous may.
    const look = await admin('GET', { user: ['vic', 'vic-password-1'] });
    expect(look.status).toBe(200);
    expect(look.body.version).toBe(3);
    expect(look.body.events!.map((e) => e.id)).toEqual(['ev', 'ev-new']);
    expect((await fetch(`${system.gatewayUrl}/admin/events`)).status).toBe(401);
    expect(system.events.version).toBe(3);
    expect(system.events.get('ev')!.maxActive).toBe(5);
  });

  it('removing an event people wait in is refused (409) unless forced; forced, its waiters are told and disconnected', async () => {
    // Paused, so that this waiter keeps waiting (and ticking) rather than being admitted.
    await stores.queue.setPaused('ev-new', true);
    const newcomer = await TestClient.connect(system.wsUrl);
    await newcomer.join('ev-new');
    const keepOnlyNew = { events: [{ ...base, id: 'ev-new' }] };

    const refused = await admin('POST', { body: keepOnlyNew });
    expect(refused.status).toBe(409);
    expect(refused.body.error!.code).toBe('RELOAD_WOULD_STRAND');
    expect(refused.body.error!.refusals).toEqual([expect.objectContaining({ code: 'EVENT_HAS_PEOPLE', eventId: 'ev' })]);
    expect(refused.body.error!.message).toMatch(/force=1/);
    expect(system.events.version).toBe(3);
    await expectEveryoneKeptTheirPlace(Date.now());

    const forced = await admin('POST', { body: keepOnlyNew, query: '?force=1' });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ result: 'applied', version: 4, forced: true });
    expect(forced.body.overridden).toEqual([expect.objectContaining({ code: 'EVENT_HAS_PEOPLE', eventId: 'ev' })]);
    const codes = await Promise.all(clients.map((client) => client.whenClosed()));
    expect(new Set(codes)).toEqual(new Set([CloseCode.EVENT_WITHDRAWN]));
    for (const client of clients) expect(client.messages.some((m) => m.type === 'error' && m.code === 'EVENT_CLOSED')).toBe(true);
    // The other event's waiter is untouched and still ticking.
    const since = Date.now();
    await newcomer.waitFor('tick', (tick) => tick.e === 'ev-new' && tick.t > since);
    expect(newcomer.closeCode).toBeNull();
    const rejoin = await TestClient.connect(system.wsUrl);
    await expect(rejoin.join('ev')).rejects.toMatchObject({ code: 'UNKNOWN_EVENT' });
    await Promise.all([newcomer.close(), rejoin.close()]);
  }, 60_000);

  it('every attempt is in the audit log: who, when, what changed, forced or not, the result', async () => {
    await system.audit.flush();
    const lines = (await readFile(auditFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual(system.audit.recent);
    // The wrong passwords are also in the log as sign-in attempts, and ana's next success, which cleared hers (server/gateway/admin/password-check.ts).
    expect(lines.filter((entry) => entry.action === 'operator.sign-in').map((entry) => [entry.actor, entry.result])).toEqual([
      ['ana (unverified)', 'denied'],
      ['mallory (unverified)', 'denied'],
      ['ana', 'ok'],
    ]);
    const reloads = lines.filter((entry) => entry.action !== 'operator.sign-in');
    expect(reloads.map((entry) => [entry.actor, entry.via, entry.result, entry.forced])).toEqual([
      ['ana', 'http', 'applied', false],
      ['SIGHUP', 'signal', 'applied', false],
      ['SIGHUP', 'signal', 'unchanged', false],
      ['ana', 'http', 'invalid', false],
      ['ana', 'http', 'invalid', false], // not JSON
      ['SIGHUP', 'signal', 'invalid', false],
      ['(anonymous)', 'http', 'denied', false],
      ['ana (unverified)', 'http', 'denied', false],
      ['mallory (unverified)', 'http', 'denied', false],
      ['vic', 'http', 'denied', false],
      ['ana (unverified)', 'http', 'denied', false], // foreign Origin
      ['ana', 'http', 'refused', false],
      ['ana', 'http', 'applied', true],
    ]);
    for (const entry of reloads) {
      expect(entry.action).toBe('events.reload');
      expect(Date.parse(entry.at as string)).toBeGreaterThan(0);
    }
    expect(reloads[0]).toMatchObject({
      version: 2,
      changes: [
        { kind: 'changed', eventId: 'ev', fields: expect.arrayContaining([{ field: 'admitsPerMinute', before: 60_000, after: 1234 }]) },
        { kind: 'added', eventId: 'ev-new' },
      ],
    });
    expect(reloads[5]).toMatchObject({ source: eventsFile, problems: [expect.objectContaining({ path: expect.stringContaining('cohorts') })] });
    expect(reloads.map((entry) => entry.reason).filter(Boolean)).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED', 'FORBIDDEN', 'BAD_ORIGIN']);
    expect(reloads[11]).toMatchObject({ refusals: [expect.objectContaining({ code: 'EVENT_HAS_PEOPLE' })] });
    expect(reloads[12]).toMatchObject({
      version: 4,
      overridden: [expect.objectContaining({ code: 'EVENT_HAS_PEOPLE' })],
      changes: [{ kind: 'removed', eventId: 'ev' }],
    });

    // Each process shows which version it runs and how its self-checks went.
    const metrics = await (await fetch(`${system.gatewayUrl}/metrics`)).text();
    expect(metrics).toMatch(/^waitroom_events_version\{[^}]*\} 4$/m);
    expect(metrics).toMatch(/^waitroom_event_reloads_total\{result="applied"[^}]*\} 3$/m);
    expect(metrics).toMatch(/^waitroom_selfcheck_runs_total\{[^}]*\} 4$/m); // start-up and each applied reload
    expect(metrics).toMatch(/^waitroom_selfcheck_rejections\{event="ev-new",cohort="\*"[^}]*\} 0$/m);
    // The controller let go of the removed event and leads the other.
    expect(metrics).not.toMatch(/^waitroom_controller_leader\{event="ev"/m);
    expect(metrics).toMatch(/^waitroom_controller_leader\{event="ev-new"[^}]*\} 1$/m);
  });
});

describe('SIGHUP to a gateway process', () => {
  let dir: string;
  let prefix: string;
  let gateway: ServingNode | null = null;

  afterAll(async () => {
    if (gateway) await stopAll([gateway]);
    await cleanUpProcesses();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (prefix) await deletePrefix(prefix);
  });

  it('re-reads the events file and keeps running; a bad file changes nothing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'waitroom-sighup-'));
    prefix = uniquePrefix();
    const eventsFile = join(dir, 'events.json');
    const base = testEvent({ id: 'ev' });
    await writeFile(eventsFile, JSON.stringify({ events: [base] }));
    const configFile = join(dir, 'waitroom.json');
    await writeFile(
      configFile,
      JSON.stringify({
        logLevel: 'info',
        eventsFile,
        gateway: { tickMs: 100 },
        store: { kind: 'redis', redisUrl: TEST_REDIS_URL, keyPrefix: prefix },
        keys: generateKeys('test'),
      }),
    );
    gateway = await startNode({ role: 'gateway', name: 'gateway-hup', configFile });
    const info = async () => ((await (await fetch(`${gateway!.url}/api/info`)).json()) as { events: { id: string; title: { en: string } }[] }).events;
    const waitFor = async (test: (events: Awaited<ReturnType<typeof info>>) => boolean) => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) if (test(await info())) return;
      throw new Error(`gateway did not reload; output:\n${gateway!.output()}`);
    };
    const outputLine = async (pattern: RegExp) => {
      for (const deadline = Date.now() + 10_000; !pattern.test(gateway!.output()); await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() > deadline) throw new Error(`no line matching ${pattern}; output:\n${gateway!.output()}`);
      }
    };
    expect((await info()).map((e) => e.id)).toEqual(['ev']);

    await writeFile(
      eventsFile,
      JSON.stringify({
        events: [
          { ...base, title: 'Reloaded' },
          { ...base, id: 'ev-hup' },
        ],
      }),
    );
    expect(gateway.kill('SIGHUP')).toBe(true);
    await waitFor((events) => events.length === 2);
    expect((await info()).map((e) => [e.id, e.title.en])).toEqual([
      ['ev', 'Reloaded'],
      ['ev-hup', 'Test event'],
    ]);
    await outputLine(/audit: events.reload by SIGHUP \(signal\): applied/);

    await writeFile(eventsFile, '{ not json');
    expect(gateway.kill('SIGHUP')).toBe(true);
    await outputLine(/audit: events.reload by SIGHUP \(signal\): invalid/);
    expect((await info()).map((e) => e.id)).toEqual(['ev', 'ev-hup']);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  }, 60_000);
});

describe('SIGHUP without an events file', () => {
  it('warns and changes nothing', async () => {
    const system = await startTestSystem();
    try {
      const warnings: string[] = [];
      const log = Object.assign(Object.create(silentLogger) as typeof silentLogger, {
        warn: (_details: unknown, message: string) => void warnings.push(message),
      });
      expect(await reloadOnSignal(system, log)).toBeNull();
      expect(warnings).toEqual([expect.stringMatching(/no events file is configured.*POST \/admin\/events/)]);
      expect(system.events.version).toBe(1);
      expect(system.audit.recent).toEqual([]);
    } finally {
      await system.stop();
    }
  });
});
