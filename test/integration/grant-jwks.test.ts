/**
 * Grants as standard JWS (docs/decisions/018-jws-grants.md): the gateway's
 * `/.well-known/jwks.json` verifies a real grant with jose's remote key set,
 * with the OpenSSL CLI and with Python's PyJWT (examples/python/verify_grant.py),
 * and a reservation handler that takes its keys from that
 * URL (no key files) books with it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, createRemoteJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import { parseConfig } from '../../server/config/load.js';
import { startSystem, type System } from '../../server/main/system.js';
import { silentLogger } from '../../server/observability/log.js';
import { readGrantClaims } from '../../shared/tokens/claims.js';
import { signGrant } from '../../shared/tokens/grant.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { freePort } from '../support/processes.js';
import { FakeClock, startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

/** SPKI DER of an Ed25519 public key: a fixed 12-byte prefix, then the 32 raw bytes (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

interface Jwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  alg: string;
}

describe('the gateway publishes its grant keys as a JWKS', () => {
  const clock = new FakeClock(Date.now());
  const keys = generateKeys('g1');
  let system: TestSystem;
  let handler: System;
  let unreachable: System;
  let client: TestClient;
  let grant: string;
  const dir = mkdtempSync(join(tmpdir(), 'grant-jwks-'));

  beforeAll(async () => {
    const events = [testEvent({}, clock.now())];
    system = await startTestSystem({ clock, keys, events });
    client = await TestClient.connect(system.wsUrl);
    await client.join('ev');
    grant = (await client.waitFor('admitted')).grant;
    // A reservation handler of its own, on the same stores, knowing no key but the gateway's JWKS URL.
    const handlerOn = (jwksUrl: string) =>
      startSystem({
        config: parseConfig({
          nodeId: `jwks-${process.pid}`,
          logLevel: 'silent',
          reservations: { port: 0 },
          store: system.config.store,
          bookings: { allowUnsafeDurability: true },
          keys: { grant: { current: 'g1', jwksUrl } },
          events,
        }),
        clock,
        log: silentLogger,
        roles: { gateway: false, controller: false, reservations: true },
        stores: system.stores,
      });
    handler = await handlerOn(`${system.gatewayUrl}/.well-known/jwks.json`);
    unreachable = await handlerOn(`http://127.0.0.1:${await freePort()}/.well-known/jwks.json`);
  });
  afterAll(async () => {
    await client?.close();
    await handler?.stop();
    await unreachable?.stop();
    await system?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the current key as an OKP Ed25519 JWK with its kid and alg', async () => {
    const response = await fetch(`${system.gatewayUrl}/.well-known/jwks.json`);
    expect(response.headers.get('content-type')).toBe('application/jwk-set+json');
    const jwks = (await response.json()) as { keys: Jwk[] };
    expect(jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: 'g1', alg: 'EdDSA', use: 'sig' }]);
    expect(JSON.stringify(jwks)).not.toMatch(/"d"/);
  });

  it('verifies a real grant with jose createRemoteJWKSet', async () => {
    const jwks = createRemoteJWKSet(new URL(`${system.gatewayUrl}/.well-known/jwks.json`));
    const { protectedHeader, payload } = await compactVerify(grant, jwks, { algorithms: ['EdDSA'] });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: 'g1', typ: 'waitroom-grant+jwt' });
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ e: 'ev', n: 1 });
    const tampered = `${grant.slice(0, -2)}${grant.endsWith('AA') ? 'BA' : 'AA'}`;
    await expect(compactVerify(tampered, jwks, { algorithms: ['EdDSA'] })).rejects.toThrow(/signature verification failed/);
  });

  it('verifies a real grant with the OpenSSL CLI over the ASCII header.payload', async () => {
    const jwks = (await (await fetch(`${system.gatewayUrl}/.well-known/jwks.json`)).json()) as { keys: Jwk[] };
    const der = Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(jwks.keys[0]!.x, 'base64url')]);
    const pem = `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
    const [header, payload, signature] = grant.split('.') as [string, string, string];
    writeFileSync(join(dir, 'key.pem'), pem);
    writeFileSync(join(dir, 'sig'), Buffer.from(signature, 'base64url'));
    const verify = (input: string) => {
      writeFileSync(join(dir, 'input'), input, 'ascii');
      const args = ['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'key.pem'), '-rawin', '-in', join(dir, 'input'), '-sigfile', join(dir, 'sig')];
      try {
        return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
      } catch (error) {
        return `failed: ${(error as { stdout?: string }).stdout ?? ''}`.trim();
      }
    };
    expect(verify(`${header}.${payload}`)).toBe('Signature Verified Successfully');
    expect(verify(`${header}.${payload}x`)).toMatch(/^failed/);
  });

  it("verifies a real grant with Python's PyJWT (Debian's python3-jwt) and the booker's secret, refusing a tampered one, a wrong secret, an extra header", async () => {
    const jwks = await (await fetch(`${system.gatewayUrl}/.well-known/jwks.json`)).text();
    writeFileSync(join(dir, 'jwks.json'), jwks);
    const pyjwt = (token: string, secret?: string) => {
      writeFileSync(join(dir, 'grant.txt'), token, 'ascii');
      if (secret !== undefined) writeFileSync(join(dir, 'secret.txt'), secret, 'utf8');
      // Debian's interpreter, where apt installs python3-jwt (.ci/run does); fails loudly when it is missing.
      const args = [
        'examples/python/verify_grant.py',
        join(dir, 'jwks.json'),
        join(dir, 'grant.txt'),
        ...(secret === undefined ? [] : [join(dir, 'secret.txt')]),
      ];
      try {
        return execFileSync('/usr/bin/python3', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
      } catch (error) {
        const failed = error as { stdout?: string; stderr?: string };
        return `${failed.stdout ?? ''}${failed.stderr ?? ''}`.trim();
      }
    };
    const verified = pyjwt(grant);
    expect(verified).toMatch(/^\{/); // the claims, not a refusal (whose text the failure then shows)
    expect(JSON.parse(verified)).toMatchObject({ e: 'ev', n: 1, gid: readGrantClaims(grant)!.gid });
    const [header, payload, signature] = grant.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`;
    expect(pyjwt(`${header}.${payload}.${flipped}`)).toMatch(/^refused: InvalidSignatureError/);
    // With the secret the booker presents (docs/integration.md): the grant's own secret passes, another is refused.
    expect(JSON.parse(pyjwt(grant, client.secret))).toMatchObject({ gid: readGrantClaims(grant)!.gid });
    expect(pyjwt(grant, `${client.secret}x`)).toMatch(/^refused: WrongSecretError/);
    // A header with a further parameter is refused before any key is chosen: a header refusal, not a signature failure.
    const extra = `${Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: 'g1', typ: 'waitroom-grant+jwt', jku: 'https://attacker.example/' })).toString('base64url')}`;
    expect(pyjwt(`${extra}.${payload}.${signature}`)).toMatch(/^refused: InvalidTokenError: not a Waitroom grant header/);
  });

  it('a reservation handler configured with the JWKS URL, and no key files, books with the grant and refuses others', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const claims = readGrantClaims(grant)!;
    const unknown = await postBooking(handler.reservationsUrl, 'ev', bookingBody(signGrant({ kid: 'g9', privateKey }, claims), client.secret));
    expect([unknown.status, unknown.body.error?.code]).toEqual([401, 'GRANT_UNKNOWN_KEY']);
    const forged = await postBooking(handler.reservationsUrl, 'ev', bookingBody(signGrant({ kid: 'g1', privateKey }, claims), client.secret));
    expect([forged.status, forged.body.error?.code]).toEqual([401, 'GRANT_INVALID_SIGNATURE']);
    const booked = await postBooking(handler.reservationsUrl, 'ev', bookingBody(grant, client.secret));
    expect(booked.status).toBe(201);
  });

  it('a reservation handler whose JWKS URL does not answer refuses with 503 GRANT_KEYS_UNAVAILABLE and books nothing', async () => {
    const before = await system.stores.bookings.bookingCount('ev');
    const reply = await postBooking(unreachable.reservationsUrl, 'ev', bookingBody(grant, client.secret));
    expect([reply.status, reply.body.error?.code]).toEqual([503, 'GRANT_KEYS_UNAVAILABLE']);
    expect(await system.stores.bookings.bookingCount('ev')).toBe(before);
  });
});
