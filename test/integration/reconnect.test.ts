/**
 * Tickets survive reconnects, on the same node or another one; people who
 * never come back do not stall admission; forged and foreign tickets are refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeys, ticketKeyRing } from '../../server/config/keys.js';
import type { Stores } from '../../server/store/types.js';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { signTicket } from '../../shared/tokens/ticket.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

describe.each(storeFactories)('$name store', (factory) => {
  let stores: Stores;
  const systems: TestSystem[] = [];
  const clients: TestClient[] = [];
  const keys = generateKeys('test');
  async function system(events = [testEvent({ maxActive: 1 }), testEvent({ id: 'other' })]): Promise<TestSystem> {
    const started = await startTestSystem({ stores, events, keys });
    systems.push(started);
    return started;
  }
  /** `secret`: the one a ticket to resume was joined with (a resume proves possession of it). */
  async function client(url: string, secret?: string): Promise<TestClient> {
    const c = await TestClient.connect(url, secret);
    clients.push(c);
    return c;
  }
  async function joined(url: string, count: number, eventId = 'ev'): Promise<TestClient[]> {
    const result: TestClient[] = [];
    for (let k = 0; k < count; k++) {
      const c = await client(url);
      await c.join(eventId);
      result.push(c);
    }
    return result;
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(systems.splice(0).map((s) => s.stop()));
    await stores.close();
  });

  it('a reconnecting client keeps its ticket number and its place, on this node or another', async () => {
    stores = await factory.create();
    await stores.queue.setPaused('ev', true);
    const [a, b] = [await system(), await system()];
    const waiting = await joined(a!.wsUrl, 5);
    const third = waiting[2]!;
    await third.waitFor('tick', (t) => t.i === 5);
    expect(third.aheadSeen.at(-1)).toBe(2);
    await third.drop();

    for (const node of [a!, b!]) {
      const again = await client(node.wsUrl, third.secret);
      const ticket = await again.resume(third.ticket, 'ev');
      expect(ticket).toMatchObject({ ticketNo: 3, resumed: true, eventId: 'ev' });
      await again.waitFor('tick', (t) => t.i === 5, 5000, false);
      expect(again.aheadSeen.at(-1)).toBe(2);
      await again.drop();
    }
  });

  it('someone who never comes back does not stall admission; someone who comes back late goes first', async () => {
    stores = await factory.create();
    await stores.queue.setPaused('ev', true);
    const node = await system();
    const [first, gone, late, fourth] = await joined(node.wsUrl, 4);
    await gone!.drop();
    await late!.drop();
    await node.gateway!.tick(); // records both departures
    await stores.queue.setPaused('ev', false);

    const grant = await first!.waitFor('admitted');
    expect((await postBooking(node.reservationsUrl, 'ev', bookingBody(grant.grant, first!.secret))).status).toBe(201);
    const fourthGrant = await fourth!.waitFor('admitted');
    expect(fourthGrant.ticketNo).toBe(4);

    // Ticket 3's turn passed while it was away: on return it is admitted before anyone behind it.
    const back = await client(node.wsUrl, late!.secret);
    await back.resume(late!.ticket);
    const behind = await joined(node.wsUrl, 1);
    expect((await postBooking(node.reservationsUrl, 'ev', bookingBody(fourthGrant.grant, fourth!.secret))).status).toBe(201);
    expect((await back.waitFor('admitted')).ticketNo).toBe(3);
    expect(behind[0]!.grant).toBeNull();
    expect(gone!.grant).toBeNull();
  });

  it('refuses tampered, foreign and wrong-event tickets with their codes, keeping the connection', async () => {
    stores = await factory.create();
    const node = await system();
    const [holder] = await joined(node.wsUrl, 1);
    const probe = await client(node.wsUrl);
    const [prefix, kid, payload, signature] = holder!.ticket.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const moved = Buffer.from(JSON.stringify({ ...claims, n: 1_000_000 })).toString('base64url');
    const foreign = signTicket(ticketKeyRing(generateKeys('test')), claims as never);

    for (const [ticket, eventId, code] of [
      [`${prefix}.${kid}.${moved}.${signature}`, undefined, ErrorCode.TICKET_INVALID],
      [foreign, undefined, ErrorCode.TICKET_INVALID],
      ['not-a-ticket', undefined, ErrorCode.TICKET_INVALID],
      [holder!.ticket, 'other', ErrorCode.TICKET_WRONG_EVENT],
    ] as const) {
      await expect(probe.resume(ticket, eventId)).rejects.toMatchObject({ code });
    }
    expect(probe.closeCode).toBeNull();
    const joinedAfter = await probe.join('ev');
    expect(joinedAfter.ticketNo).toBe(2);
  });

  it('leave: closes with 1000 and stops counting as ahead at once, while a dropped waiter counts until its grace ends', async () => {
    stores = await factory.create();
    await stores.queue.setPaused('ev', true);
    const node = await system([testEvent({ graceSeconds: 3600 })]);
    const [first, second, third, last] = await joined(node.wsUrl, 4);
    await last!.waitFor('tick', (t) => t.i === 4);
    expect(last!.aheadSeen.at(-1)).toBe(3);
    first!.send({ type: 'leave', rid: 9 });
    expect(await first!.whenClosed()).toBe(1000);
    await second!.drop();
    await last!.waitFor('tick', () => last!.aheadSeen.at(-1) === 2, 5000, false);
    const ticked = Date.now();
    await node.gateway!.tick();
    await node.gateway!.tick();
    // The broadcast is written to every socket, but may still be on its way to some: wait for it to arrive.
    await Promise.all([last!, third!].map((waiter) => waiter.waitFor('tick', (t) => t.t >= ticked, 5000)));
    expect(last!.aheadSeen.at(-1)).toBe(2);
    expect(third!.aheadSeen.at(-1)).toBe(1);
  });

  it('a second connection resuming the same ticket supersedes the first', async () => {
    stores = await factory.create();
    await stores.queue.setPaused('ev', true);
    const node = await system();
    const [holder] = await joined(node.wsUrl, 1);
    const other = await client(node.wsUrl, holder!.secret);
    await other.resume(holder!.ticket);
    expect(await holder!.whenClosed()).toBe(4101);
    // Every close is counted by its code, this one too.
    const errors = await node.gateway!.context.registry.getSingleMetric('waitroom_errors_total')!.get();
    expect(errors.values.find((value) => value.labels.code === 'CLOSE_SUPERSEDED')?.value).toBe(1);
    await node.gateway!.tick();
    expect(await stores.queue.reconnect('ev', 1, Date.now(), node.gateway!.context.node)).toEqual({ kind: 'waiting' });
  });
});
