/**
 * Key rotation while people wait (Redis store, real WebSocket clients): the
 * keys are replaced in the running process as SIGHUP does (LiveKeys.reload);
 * old tokens keep working until they expire, new ones carry the new key id,
 * nobody waiting is disturbed, and a removed key's tokens are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import type { Stores } from '../../server/store/types.js';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { storeFactories } from '../support/stores.js';
import { FakeClock, startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { keyRing, kidOf } from './key-rotation-keys.js';

const redis = storeFactories.find((factory) => factory.name === 'redis')!;

describe('rotating the grant and ticket keys while clients wait (Redis store)', () => {
  const clock = new FakeClock(Date.now());
  const [a, b] = [generateKeys('a'), generateKeys('b')];
  let stores: Stores;
  let system: TestSystem;
  const clients: TestClient[] = [];

  async function joined(): Promise<TestClient> {
    const client = await TestClient.connect(system.wsUrl);
    clients.push(client);
    await client.join('ev');
    return client;
  }

  /** The key ids the gateway publishes at /.well-known/jwks.json. */
  async function publishedKids(): Promise<string[]> {
    const jwks = (await (await fetch(`${system.gatewayUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    return jwks.keys.map((key) => key.kid).sort();
  }

  beforeAll(async () => {
    stores = await redis.create();
    system = await startTestSystem({
      stores,
      clock,
      keys: keyRing('a', a),
      events: [testEvent({ maxActive: 1, grantTtlSeconds: 10, ticketTtlSeconds: 60 }, clock.now())],
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await system.stop();
    await stores.close();
  });

  it('old grants redeem, new grants and tickets use the new key id, waiting clients keep their places and resume with old tickets; a removed key is refused', async () => {
    const [first, second, third, fourth] = [await joined(), await joined(), await joined(), await joined()];
    const oldGrant = (await first!.waitFor('admitted')).grant;
    expect([kidOf(first!.ticket), kidOf(oldGrant)]).toEqual(['a', 'a']);
    await fourth!.waitFor('tick', () => fourth!.aheadSeen.at(-1) === 2);

    // Step 1: the new key everywhere, not current. Step 2: make it current.
    expect(system.keys.reload(keyRing('a', a, b))).toMatchObject({ result: 'applied', warnings: [] });
    expect(system.keys.reload(keyRing('b', a, b))).toMatchObject({ result: 'applied', warnings: [], current: { grant: 'b', ticket: 'b' } });
    expect(await publishedKids()).toEqual(['a', 'b']);

    // Waiting clients were not disturbed: still connected, still ticking, same place.
    const rotated = clock.now();
    await Promise.all([second!, third!, fourth!].map((waiter) => waiter.waitFor('tick', (t) => t.t >= rotated, 5000, false)));
    expect([second!.closeCode, third!.closeCode, fourth!.closeCode]).toEqual([null, null, null]);
    expect(fourth!.aheadSeen.at(-1)).toBe(2);

    // The grant signed with the old key still redeems; the next one is signed with the new key.
    expect((await postBooking(system.reservationsUrl, 'ev', bookingBody(oldGrant, first!.secret))).status).toBe(201);
    const newGrant = (await second!.waitFor('admitted')).grant;
    expect(kidOf(newGrant)).toBe('b');
    expect((await postBooking(system.reservationsUrl, 'ev', bookingBody(newGrant, second!.secret))).status).toBe(201);

    // A ticket signed with the old key resumes its own place on a new connection (which takes over from the old one).
    const thirdTicket = third!.ticket;
    const back = await TestClient.connect(system.wsUrl, third!.secret);
    clients.push(back);
    expect(await back.resume(thirdTicket, 'ev')).toMatchObject({ ticketNo: 3, resumed: true });
    expect(await third!.whenClosed()).toBe(4101);
    expect(kidOf((await back.waitFor('admitted')).grant)).toBe('b');
    const newcomer = await joined();
    expect([newcomer.ticketNo, kidOf(newcomer.ticket)]).toEqual([5, 'b']);

    // Step 3 too early: the old key's tickets (60 s) are still out there.
    const early = system.keys.reload(keyRing('b', b));
    expect(early.result).toBe('refused');
    expect(early.result === 'refused' && early.problems.join('\n')).toMatch(/keys\.ticket: key id "a" is still needed/);
    const again = await TestClient.connect(system.wsUrl, third!.secret);
    clients.push(again);
    expect(await again.resume(thirdTicket, 'ev')).toMatchObject({ ticketNo: 3 });

    // After the longest token lifetime it may go; then its tokens are refused with the documented codes.
    clock.advance(61_000);
    expect(system.keys.reload(keyRing('b', b))).toMatchObject({ result: 'applied' });
    expect(await publishedKids()).toEqual(['b']);
    const probe = await TestClient.connect(system.wsUrl);
    clients.push(probe);
    await expect(probe.resume(fourth!.ticket, 'ev')).rejects.toMatchObject({ code: ErrorCode.TICKET_INVALID });
    const booked = await stores.bookings.bookingCount('ev');
    const reply = await postBooking(system.reservationsUrl, 'ev', bookingBody(oldGrant, first!.secret));
    expect([reply.status, reply.body.error?.code]).toEqual([401, 'GRANT_UNKNOWN_KEY']);
    expect(await stores.bookings.bookingCount('ev')).toBe(booked);
  });
});
