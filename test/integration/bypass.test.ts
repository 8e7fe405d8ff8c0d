/**
 * The bypass table: every way around the queue commits nothing and gets its
 * own code from the reservation handler (DESIGN.md rule 5).
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../server/store/types.js';
import { readGrantClaims } from '../../shared/tokens/claims.js';
import { signGrant } from '../../shared/tokens/grant.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { storeFactories } from '../support/stores.js';
import { FakeClock, startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

describe.each(storeFactories)('$name store', (factory) => {
  let stores: Stores;
  let system: TestSystem;
  const clock = new FakeClock(Date.now());
  const admitted: TestClient[] = [];

  beforeAll(async () => {
    stores = await factory.create();
    const now = clock.now();
    system = await startTestSystem({ stores, clock, events: [testEvent({ grantTtlSeconds: 60 }, now), testEvent({ id: 'other' }, now)] });
    for (let k = 0; k < 6; k++) {
      const client = await TestClient.connect(system.wsUrl);
      await client.join('ev');
      await client.waitFor('admitted');
      admitted.push(client);
    }
  });
  afterAll(async () => {
    await Promise.all(admitted.map((c) => c.close()));
    await system.stop();
    await stores.close();
  });

  const grantOf = (k: number) => admitted[k]!.grant!.grant;
  const secretOf = (k: number) => admitted[k]!.secret;

  /** Posts, expects the refusal, and checks that nothing was committed. */
  async function refused(eventId: string, body: unknown, status: number, code: string): Promise<void> {
    const before = [await stores.bookings.bookingCount('ev'), await stores.bookings.bookingCount('other')];
    const reply = await postBooking(system.reservationsUrl, eventId, body);
    expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status, code });
    expect([await stores.bookings.bookingCount('ev'), await stores.bookings.bookingCount('other')]).toEqual(before);
  }

  it('no grant: 401 GRANT_MISSING', async () => {
    const { grant: _omitted, ...body } = bookingBody(grantOf(0), secretOf(0));
    await refused('ev', body, 401, 'GRANT_MISSING');
  });

  it('a grant forged with another key: 401 GRANT_INVALID_SIGNATURE, or GRANT_UNKNOWN_KEY for an unknown key id', async () => {
    const claims = readGrantClaims(grantOf(0))!;
    const { privateKey } = generateKeyPairSync('ed25519');
    await refused('ev', bookingBody(signGrant({ kid: 'test', privateKey }, claims), secretOf(0)), 401, 'GRANT_INVALID_SIGNATURE');
    await refused('ev', bookingBody(signGrant({ kid: 'mine', privateKey }, claims), secretOf(0)), 401, 'GRANT_UNKNOWN_KEY');
  });

  it('a tampered claim: 401 GRANT_INVALID_SIGNATURE', async () => {
    const [header, payload, signature] = grantOf(0).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, number>;
    for (const change of [{ n: claims.n! + 100 }, { exp: claims.exp! + 3600 }]) {
      const tampered = Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url');
      await refused('ev', bookingBody(`${header}.${tampered}.${signature}`, secretOf(0)), 401, 'GRANT_INVALID_SIGNATURE');
    }
    await refused('ev', bookingBody('wg1.test.garbage', secretOf(0)), 401, 'GRANT_MALFORMED');
  });

  it('another alg or typ: 401 GRANT_MALFORMED (none, HS256 keyed with the public key, a plain JWT)', async () => {
    const [header, payload, signature] = grantOf(0).split('.');
    const named = JSON.parse(Buffer.from(header!, 'base64url').toString()) as Record<string, string>;
    const withHeader = (change: object) => Buffer.from(JSON.stringify({ ...named, ...change })).toString('base64url');
    // The confusion attack: the published public key (here its raw bytes) used as an HMAC secret.
    const jwks = (await (await fetch(`${system.gatewayUrl}/.well-known/jwks.json`)).json()) as { keys: { x: string }[] };
    const publicKey = Buffer.from(jwks.keys[0]!.x, 'base64url');
    const hs = withHeader({ alg: 'HS256' });
    const hs256 = `${hs}.${payload}.${createHmac('sha256', publicKey).update(`${hs}.${payload}`).digest('base64url')}`;
    for (const token of [`${withHeader({ alg: 'none' })}.${payload}.`, hs256, `${withHeader({ typ: 'JWT' })}.${payload}.${signature}`]) {
      await refused('ev', bookingBody(token, secretOf(0)), 401, 'GRANT_MALFORMED');
    }
  });

  it('a grant from another event: 403 GRANT_WRONG_EVENT', async () => {
    await refused('other', bookingBody(grantOf(0), secretOf(0)), 403, 'GRANT_WRONG_EVENT');
  });

  it('the right grant with the wrong secret (a stolen grant): 403 GRANT_WRONG_SECRET', async () => {
    await refused('ev', bookingBody(grantOf(0), secretOf(1)), 403, 'GRANT_WRONG_SECRET');
  });

  it('a grant used twice: the same request repeats the booking, another is 409 GRANT_USED', async () => {
    const body = bookingBody(grantOf(2), secretOf(2));
    const first = await postBooking(system.reservationsUrl, 'ev', body);
    expect(first.status).toBe(201);
    const repeat = await postBooking(system.reservationsUrl, 'ev', body);
    expect(repeat).toMatchObject({ status: 200, body: { repeated: true, booking: { reference: first.body.booking!.reference } } });
    await refused('ev', bookingBody(grantOf(2), secretOf(2)), 409, 'GRANT_USED');
    // The same person cannot book again with another grant.
    await refused('ev', bookingBody(grantOf(3), secretOf(3), { person: body.person }), 409, 'ALREADY_BOOKED');
  });

  it('bad bodies, unknown slots and events: their codes', async () => {
    await refused('ev', bookingBody(grantOf(4), secretOf(4), { slotId: 'nope' }), 422, 'UNKNOWN_SLOT');
    await refused('ev', { ...bookingBody(grantOf(4), secretOf(4)), person: { name: '', birthDate: '1970' } }, 422, 'INVALID_BODY');
    await refused('ev', { ...bookingBody(grantOf(4), secretOf(4)), extra: true }, 422, 'INVALID_BODY');
    await refused('nope', bookingBody(grantOf(4), secretOf(4)), 403, 'GRANT_WRONG_EVENT');
    const raw = await fetch(`${system.reservationsUrl}/api/events/ev/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant": ',
    });
    expect([raw.status, ((await raw.json()) as { error: { code: string } }).error.code]).toEqual([400, 'INVALID_JSON']);
    const text = await fetch(`${system.reservationsUrl}/api/events/ev/bookings`, { method: 'POST', body: 'grant=x' });
    expect(text.status).toBe(415);
    const huge = await fetch(`${system.reservationsUrl}/api/events/ev/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant: 'x'.repeat(20_000) }),
    });
    expect(huge.status).toBe(413);
  });

  it('an expired grant (fake clock): 401 GRANT_EXPIRED', async () => {
    clock.advance(61_000);
    await refused('ev', bookingBody(grantOf(5), secretOf(5)), 401, 'GRANT_EXPIRED');
  });
});
