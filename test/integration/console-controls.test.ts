/**
 * The console's controls acting on a live queue (Redis store, real sockets):
 * pause shows as st 'paused' on waiting clients within 2 s and admits nobody;
 * limits change admission; open-now and close-now change the window at once;
 * the overview and the history show the queue and the node. Every action is
 * audited with what it was before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../server/store/types.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { ConsoleApi, testOperators } from './console-api.js';

const redis = storeFactories.find((factory) => factory.name === 'redis')!;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(20);
  }
}

describe('console controls on a live queue (Redis store)', () => {
  let stores: Stores;
  let system: TestSystem;
  let api: ConsoleApi;
  const clients: TestClient[] = [];

  async function waiters(eventId: string, count: number): Promise<TestClient[]> {
    const joined = await Promise.all(Array.from({ length: count }, () => TestClient.connect(system.wsUrl)));
    clients.push(...joined);
    await Promise.all(joined.map((client) => client.join(eventId)));
    return joined;
  }

  const admitted = (group: TestClient[]) => group.filter((client) => client.grant).length;

  beforeAll(async () => {
    stores = await redis.create();
    const now = Date.now();
    system = await startTestSystem({
      store: 'redis',
      stores,
      events: [
        testEvent({ id: 'ev', maxActive: 3 }),
        testEvent({ id: 'later', prequeueOpensAt: now - 60_000, opensAt: now + 3_600_000, closesAt: now + 7_200_000 }),
      ],
      config: { operators: await testOperators(), admin: { historyStepMs: 200 } },
    });
    api = new ConsoleApi(system.gatewayUrl!);
    expect((await api.signIn('ana')).status).toBe(200);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await system?.stop();
    await stores?.close();
  });

  it('pause shows as "paused" on waiting clients within 2 s and admits nobody, even with a place free; resume admits', async () => {
    const group = await waiters('ev', 8);
    await until(() => admitted(group) === 3, 5000, 'three admitted (maxActive)');
    const paused = await api.call('POST', '/admin/events/ev/pause');
    expect(paused.status).toBe(200);
    expect(paused.body.event).toMatchObject({ id: 'ev', paused: true, state: 'paused', maxActive: 3 });
    const since = Date.now();
    const waiting = group.filter((client) => !client.grant);
    await Promise.all(waiting.map((client) => client.waitFor('tick', (tick) => tick.st === 'paused', 2000, false)));
    expect(Date.now() - since).toBeLessThan(2000);

    // A booking frees an active place; paused, nobody takes it.
    const booker = group.find((client) => client.grant)!;
    const booked = await postBooking(system.reservationsUrl, 'ev', bookingBody(booker.grant!.grant, booker.secret));
    expect(booked.status).toBe(201);
    await sleep(600);
    expect(admitted(group)).toBe(3);
    expect((await stores.queue.figures('ev', Date.now(), 1)).admittedTotal).toBe(3);

    const resumed = await api.call('POST', '/admin/events/ev/resume');
    expect(resumed.body.event).toMatchObject({ paused: false, state: 'open', active: 2, bookings: 1 });
    await until(() => admitted(group) === 4, 5000, 'the free place taken after resume');
    await sleep(300);
    expect(admitted(group)).toBe(4);
  });

  it('limits apply from the next step: a larger maxActive admits more, a slow rate admits slowly; bad limits are refused', async () => {
    const group = clients.slice(0, 8);
    const raised = await api.call('POST', '/admin/events/ev/limits', { body: { maxActive: 5 } });
    expect([raised.status, raised.body.event.maxActive]).toEqual([200, 5]);
    await until(() => admitted(group) === 6, 5000, 'two more admitted after maxActive 5');

    const slowSince = Date.now();
    const slow = await api.call('POST', '/admin/events/ev/limits', { body: { maxActive: 1000, admitsPerMinute: 60 } });
    expect(slow.body.event).toMatchObject({ maxActive: 1000, admitsPerMinute: 60 });
    await sleep(1200);
    // One a second after a burst of one, though maxActive no longer holds anyone back.
    const more = admitted(group) - 6;
    expect(more).toBeGreaterThanOrEqual(1);
    expect(more).toBeLessThanOrEqual(1 + Math.floor((Date.now() - slowSince) / 1000));
    await api.call('POST', '/admin/events/ev/limits', { body: { admitsPerMinute: 60_000 } });
    await until(() => admitted(group) === 8, 5000, 'everyone admitted at the fast rate');

    for (const body of [{ maxActive: 0 }, {}, { maxActive: 1.5 }, { admitsPerMinute: '10' }, { maxActive: 5, extra: 1 }]) {
      const refused = await api.call('POST', '/admin/events/ev/limits', { body });
      expect([JSON.stringify(body), refused.status, refused.body.error.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION']);
    }
    const unknown = await api.call('POST', '/admin/events/nope/limits', { body: { maxActive: 5 } });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'UNKNOWN_EVENT']);
    expect(system.events.get('ev')).toMatchObject({ maxActive: 1000, admitsPerMinute: 60_000 });
  });

  it('open-now opens a pre-queued event at once; close-now closes one with people in it (forced)', async () => {
    const [early] = await waiters('later', 1);
    await early!.waitFor('tick', (tick) => tick.st === 'prequeue');
    const opened = await api.call('POST', '/admin/events/later/open-now');
    expect([opened.status, opened.body.event.state]).toEqual([200, 'open']);
    await early!.waitFor('admitted', () => true, 5000);
    const again = await api.call('POST', '/admin/events/later/open-now');
    expect([again.status, again.body.error.code]).toEqual([409, 'EVENT_ALREADY_OPEN']);

    await api.call('POST', '/admin/events/ev/pause');
    const [waiting] = await waiters('ev', 1);
    const closed = await api.call('POST', '/admin/events/ev/close-now');
    expect([closed.status, closed.body.event.state]).toEqual([200, 'closed']);
    await waiting!.waitFor('tick', (tick) => tick.st === 'closed', 2000);
    const late = await TestClient.connect(system.wsUrl);
    clients.push(late);
    await expect(late.join('ev')).rejects.toMatchObject({ code: 'EVENT_CLOSED' });
    const twice = await api.call('POST', '/admin/events/ev/close-now');
    expect([twice.status, twice.body.error.code]).toEqual([409, 'EVENT_ALREADY_CLOSED']);

    const { entries } = (await api.call('GET', '/admin/audit')).body as { entries: Record<string, unknown>[] };
    expect(entries.find((e) => e.action === 'event.close-now' && e.result === 'applied')).toMatchObject({
      actor: 'ana',
      via: 'console',
      event: 'ev',
      forced: true,
      before: { closesAt: expect.any(Number) },
      after: { closesAt: system.events.get('ev')!.closesAt },
    });
    // Newest first: the last one found is the first change.
    expect(entries.findLast((e) => e.action === 'event.limits' && e.result === 'applied')).toMatchObject({ before: { maxActive: 3 }, after: { maxActive: 5 } });
    expect(entries.find((e) => e.action === 'event.open-now' && e.result === 'refused')).toMatchObject({ reason: 'EVENT_ALREADY_OPEN' });
  });

  it('the overview shows every event and this node with its connections; the history samples the last hour', async () => {
    const overview = await api.call('GET', '/admin/overview');
    expect(overview.status).toBe(200);
    expect(overview.body.events.map((row: { id: string }) => row.id)).toEqual(['ev', 'later']);
    expect(overview.body.events[0]).toMatchObject({
      id: 'ev',
      title: { ko: 'Test event', en: 'Test event' },
      state: 'closed',
      admittedTotal: 8,
      active: 7,
      bookings: 1,
      notice: null,
    });
    await until(
      async () => {
        const { nodes } = (await api.call('GET', '/admin/overview')).body as { nodes: { node: string; connections: number }[] };
        return nodes.length === 1 && nodes[0]!.node === system.config.nodeId && nodes[0]!.connections === clients.length;
      },
      3000,
      'the node reports its connections',
    );

    await sleep(600);
    const history = await api.call('GET', '/admin/history?event=ev');
    expect(history.body.stepMs).toBe(200);
    expect(history.body.samples.length).toBeGreaterThanOrEqual(2);
    const last = history.body.samples.at(-1);
    expect(last).toMatchObject({ waiting: 1, active: 7, connections: { [system.config.nodeId]: clients.length } });
    // Rates are over the minute before each point (test/unit/history-rates.test.ts): this test's admissions are in it.
    expect(last.admittedPerMinute).toBeGreaterThanOrEqual(0);
    expect(last.bookingsPerMinute).toBeGreaterThanOrEqual(0);
    expect((await api.call('GET', '/admin/history')).status).toBe(400);
    expect((await api.call('GET', '/admin/history?event=nope')).status).toBe(404);
  });
});
