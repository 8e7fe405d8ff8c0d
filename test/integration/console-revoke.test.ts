/**
 * Revoking tickets from the console, with the holders on another gateway
 * than the one asked (Redis store): a waiting holder and an admitted one are
 * closed with 4103 TICKET_REVOKED, the admitted one's grant is refused by the
 * reservation handler (nothing is booked), and neither ticket resumes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol/codes.js';
import { generateKeys } from '../../server/config/keys.js';
import type { Stores } from '../../server/store/types.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { ConsoleApi, testOperators } from './console-api.js';

const redis = storeFactories.find((factory) => factory.name === 'redis')!;

describe('revoking tickets held on another gateway (Redis store)', () => {
  let stores: Stores;
  let a: TestSystem;
  let b: TestSystem;
  let api: ConsoleApi;
  const clients: TestClient[] = [];

  async function joinOn(system: TestSystem): Promise<TestClient> {
    const client = await TestClient.connect(system.wsUrl);
    clients.push(client);
    await client.join('ev');
    return client;
  }

  beforeAll(async () => {
    stores = await redis.create();
    const keys = generateKeys('test');
    const options = { store: 'redis' as const, stores, keys, events: [testEvent({ id: 'ev', maxActive: 1 })], config: { operators: await testOperators() } };
    a = await startTestSystem(options);
    b = await startTestSystem(options);
    api = new ConsoleApi(a.gatewayUrl!);
    await api.signIn('ana');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await a?.stop();
    await b?.stop();
    await stores?.close();
  });

  it('closes an admitted holder with 4103; its grant books nothing; it cannot resume', async () => {
    const holder = await joinOn(b);
    const { grant } = await holder.waitFor('admitted', () => true, 5000);
    const revoked = await api.call('POST', '/admin/events/ev/revoke', { body: { ticketNo: holder.ticketNo } });
    expect(revoked.body).toEqual({ ticketNo: holder.ticketNo, wasAdmitted: true });
    expect(await holder.whenClosed()).toBe(CloseCode.TICKET_REVOKED);
    expect(holder.messages.at(-1)).toMatchObject({ type: 'error', code: 'TICKET_REVOKED' });

    const booking = await postBooking(a.reservationsUrl, 'ev', bookingBody(grant, holder.secret));
    expect([booking.status, booking.body.error?.code]).toEqual([403, 'GRANT_REVOKED']);
    expect(await stores.bookings.bookingCount('ev')).toBe(0);
    for (const system of [a, b]) {
      const back = await TestClient.connect(system.wsUrl, holder.secret);
      clients.push(back);
      await expect(back.resume(holder.ticket)).rejects.toMatchObject({ code: 'TICKET_REVOKED' });
    }
  });

  it('closes a waiting holder with 4103 within a tick; the queue passes over it', async () => {
    // The one active place is taken, so these two wait.
    const first = await joinOn(b);
    await first.waitFor('admitted', () => true, 5000);
    const waiting = await joinOn(b);
    const behind = await joinOn(a);
    await behind.waitFor('tick', (tick) => tick.i === behind.ticketNo);
    expect(behind.aheadSeen.at(-1)).toBe(1);

    const revoked = await api.call('POST', '/admin/events/ev/revoke', { body: { ticketNo: waiting.ticketNo } });
    expect(revoked.body).toEqual({ ticketNo: waiting.ticketNo, wasAdmitted: false });
    expect(await waiting.whenClosed()).toBe(CloseCode.TICKET_REVOKED);
    await behind.waitFor('tick', () => behind.aheadSeen.at(-1) === 0, 3000, false);
    const back = await TestClient.connect(a.wsUrl, waiting.secret);
    clients.push(back);
    await expect(back.resume(waiting.ticket)).rejects.toMatchObject({ code: 'TICKET_REVOKED' });

    const again = await api.call('POST', '/admin/events/ev/revoke', { body: { ticketNo: waiting.ticketNo } });
    expect([again.status, again.body.error.code]).toEqual([409, 'TICKET_ALREADY_REVOKED']);
    const unknown = await api.call('POST', '/admin/events/ev/revoke', { body: { ticketNo: 9999 } });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'TICKET_UNKNOWN']);
    const invalid = await api.call('POST', '/admin/events/ev/revoke', { body: { ticketNo: -1 } });
    expect([invalid.status, invalid.body.error.code]).toEqual([400, 'VALIDATION']);
  });
});
