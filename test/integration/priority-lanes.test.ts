/**
 * Priority lanes through real gateways (docs/decisions/031), on memory and
 * Redis: an operator issues codes from the console API (audited), a person
 * joins with one over a real WebSocket and is placed in the lane, a used-up or
 * wrong code is refused with a stable code and the same connection joins the
 * main line, the tick carries the lane's figures, the lane is admitted at its
 * share while the main line never moves back, and a resume keeps the lane.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LANE_SPAN, lineOfTicket } from '../../shared/queue/lanes.js';
import { peopleAhead } from '../../shared/queue/position.js';
import type { Stores } from '../../server/store/types.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { refusalOf, TestClient } from '../support/ws-client.js';
import { ConsoleApi, testOperators } from './console-api.js';

const LANES = [{ id: 'accessible', name: { ko: '교통약자', en: 'Accessible' }, share: 0.25 }];

describe.each(storeFactories)('priority lanes through a gateway: $name store', (factory) => {
  let system: TestSystem | null = null;
  let stores: Stores | null = null;
  const clients: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await system?.stop();
    await stores?.close();
  });

  async function connect(secret?: string): Promise<TestClient> {
    const client = await TestClient.connect(system!.wsUrl, secret);
    clients.push(client);
    return client;
  }

  it('issues codes from the console, joins a lane with one, refuses a used one (the main line still takes the person), admits the lane at its share, resumes in the lane', async () => {
    stores = await factory.create();
    await stores.queue.setPaused('ev', true);
    system = await startTestSystem({
      store: factory.name,
      stores,
      events: [testEvent({ maxActive: 10, lanes: LANES })],
      config: { operators: await testOperators() },
    });
    const api = new ConsoleApi(system.gatewayUrl!);
    await api.signIn('ana');
    const expiresAt = Date.now() + 3_600_000;
    const issued = await api.call('POST', '/admin/events/ev/lane-codes', { body: { laneId: 'accessible', count: 3, uses: 1, expiresAt } });
    expect(issued.status).toBe(201);
    expect(issued.body.codes).toHaveLength(3);
    const [first, second, third] = issued.body.codes.map((code: { code: string }) => code.code) as [string, string, string];
    expect(first).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const unknownLane = await api.call('POST', '/admin/events/ev/lane-codes', { body: { laneId: 'nope', count: 1, uses: 1, expiresAt } });
    expect([unknownLane.status, unknownLane.body.error.code]).toEqual([404, 'UNKNOWN_LANE']);
    const viewer = new ConsoleApi(system.gatewayUrl!);
    await viewer.signIn('vic');
    expect((await viewer.call('GET', '/admin/events/ev/lane-codes')).status).toBe(403);

    // Ten people in the main line, then two in the lane (one typing the code in lower case without dashes).
    const main = await Promise.all(Array.from({ length: 10 }, () => connect()));
    for (const client of main) await client.join('ev');
    const laneA = await connect();
    const ticketA = await laneA.joinWith('ev', { code: first });
    expect(ticketA.ticketNo).toBe(LANE_SPAN + 1);
    const laneB = await connect();
    expect((await laneB.joinWith('ev', { code: second.replaceAll('-', '').toLowerCase() })).ticketNo).toBe(LANE_SPAN + 2);

    // A used code is refused with its code; the same connection then joins the main line.
    const late = await connect();
    expect((await refusalOf(late.joinWith('ev', { code: first }))).code).toBe('LANE_CODE_USED_UP');
    expect((await refusalOf(late.joinWith('ev', { code: 'not-a-code' }))).code).toBe('LANE_CODE_UNKNOWN');
    expect((await late.join('ev')).ticketNo).toBe(11);

    const listed = await api.call('GET', '/admin/events/ev/lane-codes');
    expect(listed.status).toBe(200);
    expect(Object.fromEntries(listed.body.codes.map((code: { code: string; used: number }) => [code.code, code.used]))).toEqual({
      [first]: 1,
      [second]: 1,
      [third]: 0,
    });
    const audit = await api.call('GET', '/admin/audit');
    expect(audit.body.entries.find((entry: { action: string; result: string }) => entry.action === 'lane.codes' && entry.result === 'applied')).toMatchObject({
      actor: 'ana',
      event: 'ev',
      lane: 'accessible',
      count: 3,
      uses: 1,
    });
    expect(JSON.stringify(audit.body.entries)).not.toContain(first.replaceAll('-', ''));

    // The tick carries the lane; each lane person's place is counted in the lane.
    const tick = await laneB.waitFor('tick', (t) => (t.ln?.[0]?.i ?? 0) === LANE_SPAN + 2);
    expect(tick.ln).toEqual([{ k: 1, id: 'accessible', s: 0.25, c: LANE_SPAN, i: LANE_SPAN + 2, q: 0, l: expect.any(Array) }]);
    const line = lineOfTicket(tick, LANE_SPAN + 2)!;
    expect([line.lane, peopleAhead(line.snapshot, LANE_SPAN + 2)]).toEqual(['accessible', 1]);
    expect(peopleAhead(lineOfTicket(tick, 11)!.snapshot, 11)).toBe(10);
    const kiosk = await (await fetch(`${system.gatewayUrl}/api/kiosk?event=ev`)).json();
    expect(kiosk.lanes).toEqual([{ id: 'accessible', name: LANES[0]!.name, waiting: 2, estimatedWaitSeconds: null }]);
    const rows = await api.call('GET', '/admin/overview');
    expect(rows.body.events[0].lanes).toEqual([{ id: 'accessible', name: LANES[0]!.name, share: 0.25, waiting: 2, admittedTotal: 0 }]);

    // Resuming on a new connection keeps the lane place.
    const ticket = laneA.ticket;
    await laneA.close();
    const back = await connect(laneA.secret);
    expect((await back.resume(ticket, 'ev')).ticketNo).toBe(LANE_SPAN + 1);

    // Admission (maxActive 10): the lane takes its share (the 5th and 9th admissions), the main line keeps its order.
    await stores.queue.setPaused('ev', false);
    const laneGrants = await Promise.all([back, laneB].map((client) => client.waitFor('admitted', () => true, 10_000)));
    expect(laneGrants.map((grant) => grant.ticketNo)).toEqual([LANE_SPAN + 1, LANE_SPAN + 2]);
    await main[7]!.waitFor('admitted', () => true, 10_000);
    expect(main.slice(8).some((client) => client.grant !== null)).toBe(false);
    for (const client of [...main, late]) {
      for (let k = 1; k < client.aheadSeen.length; k++) expect(client.aheadSeen[k]).toBeLessThanOrEqual(client.aheadSeen[k - 1]!);
    }
  });
});
