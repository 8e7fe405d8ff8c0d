/**
 * An event that requires a verified identity (docs/decisions/010-identity-assertion.md),
 * over the real gateway and reservation handler: the test runs the site's
 * identity provider itself (its own keys, its JWKS over HTTP). The person is
 * the provider's `sub`, not the typed name; a forged, expired, wrong-audience,
 * wrong-issuer, incomplete, other-pass or replayed assertion books nothing.
 */
import { randomUUID } from 'node:crypto';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admittedPass, type AdmittedPass } from '../support/admitted-pass.js';
import { bookingBody, postBooking, type HttpReply } from '../support/booking.js';
import { TestIdentityProvider } from '../support/identity-provider.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';

const E = 'verified';

describe.each(['memory', 'redis'] as const)('identity assertions at booking: %s store', (store) => {
  let idp: TestIdentityProvider;
  let system: TestSystem;
  const passes: AdmittedPass[] = [];

  beforeAll(async () => {
    idp = await TestIdentityProvider.start();
    system = await startTestSystem({ store, events: [testEvent({ id: E, maxActive: 100, identity: idp.identityBlock() })] });
  });

  afterAll(async () => {
    await Promise.all(passes.map((pass) => pass.client.drop()));
    await system?.stop();
    await idp?.stop();
  });

  async function pass(): Promise<AdmittedPass> {
    const admitted = await admittedPass(system.wsUrl, E);
    passes.push(admitted);
    return admitted;
  }

  async function book(admitted: AdmittedPass, identityToken: string | undefined, name = 'Kim Minsu'): Promise<HttpReply> {
    const body = bookingBody(admitted.grant, admitted.secret, { person: { name, birthDate: '1970-05-17' } });
    return postBooking(system.reservationsUrl, E, identityToken === undefined ? body : { ...body, identityToken });
  }

  const count = () => system.stores.bookings.bookingCount(E);

  it('books with a valid assertion, and the same person (same sub) cannot book again under another name', async () => {
    const first = await pass();
    const booked = await book(first, await idp.assertion('person-1', first.grantId));
    expect(booked.status).toBe(201);
    expect(await count()).toBe(1);

    const second = await pass();
    const again = await book(second, await idp.assertion('person-1', second.grantId), 'Lee Jieun');
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_BOOKED' } } });
    expect(await count()).toBe(1);
  });

  it('refuses a booking without an assertion', async () => {
    const before = await count();
    const reply = await book(await pass(), undefined);
    expect(reply).toMatchObject({ status: 401, body: { error: { code: 'IDENTITY_REQUIRED' } } });
    expect(await count()).toBe(before);
  });

  it.each([
    [
      "forged (signed by another key under the provider's key id)",
      'bad_signature',
      async (grantId: string) => idp.assertion('forger', grantId, { key: (await generateKeyPair('ES256')).privateKey }),
    ],
    ['expired', 'expired', (grantId: string) => idp.assertion('late', grantId, { issuedAgo: 900, expiresIn: -300 })],
    [
      'too old (issued past maxAgeSeconds, exp still ahead)',
      'expired',
      (grantId: string) => idp.assertion('old', grantId, { issuedAgo: 3600, expiresIn: 3600 }),
    ],
    ['for another audience', 'wrong_audience', (grantId: string) => idp.assertion('elsewhere', grantId, { claims: { aud: 'another-site' } })],
    ['from another issuer', 'wrong_issuer', (grantId: string) => idp.assertion('impostor', grantId, { claims: { iss: 'https://idp.example.invalid' } })],
    ['without the person claim', 'missing_claim', (grantId: string) => idp.assertion('nobody', grantId, { claims: { sub: undefined } })],
    ['without a jti', 'missing_claim', (grantId: string) => idp.assertion('no-jti', grantId, { claims: { jti: undefined } })],
    ['bound to another booking pass (nonce)', 'wrong_nonce', () => idp.assertion('other-pass', `${E}:999999`)],
    ['not a JWT', 'malformed', async () => 'not.a.jwt'],
  ])('refuses an assertion %s with IDENTITY_INVALID (%s) and books nothing', async (_what, reason, make) => {
    const before = await count();
    const admitted = await pass();
    const reply = await book(admitted, await make(admitted.grantId));
    expect(reply).toMatchObject({ status: 401, body: { error: { code: 'IDENTITY_INVALID' } } });
    expect(reply.body.error?.message.startsWith(`${reason}:`)).toBe(true);
    expect(await count()).toBe(before);
  });

  it('refuses a replayed assertion: the same token with another pass, and its jti under another nonce', async () => {
    const first = await pass();
    const jti = randomUUID();
    const token = await idp.assertion('person-2', first.grantId, { claims: { jti } });
    expect((await book(first, token)).status).toBe(201);
    const before = await count();
    // A lost answer: the same pass and assertion again get the same booking back.
    expect(await book(first, token)).toMatchObject({ status: 200, body: { repeated: true } });

    const second = await pass();
    const stolen = await book(second, token, 'Park Hana');
    expect(stolen).toMatchObject({ status: 401, body: { error: { code: 'IDENTITY_INVALID' } } });
    expect(stolen.body.error?.message).toMatch(/^wrong_nonce:/);
    const reissued = await book(second, await idp.assertion('person-3', second.grantId, { claims: { jti } }), 'Park Hana');
    expect(reissued).toMatchObject({ status: 409, body: { error: { code: 'IDENTITY_REPLAYED' } } });
    expect(await count()).toBe(before);

    // The pass itself is untouched: a fresh assertion for it books.
    expect((await book(second, await idp.assertion('person-3', second.grantId), 'Park Hana')).status).toBe(201);
  });
});
