/**
 * packages/grant's own API, as an integrator calls it: verifyGrant's stable codes for every
 * kind of key input (JWKS document, map, lookup), the injected clock, and consumeGrant on a
 * real PostgreSQL database inside the caller's transactions (commit, rollback, a concurrent second use).
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMED_GRANTS_MIGRATION, consumeGrant, hashSecret, readGrantClaims, verifyGrant, type GrantClaims } from '../../packages/grant/src/index.js';
import { encodePayload } from '../../shared/tokens/format.js';
import { signGrant } from '../../shared/tokens/grant.js';
import { newClientSecret } from '../../shared/tokens/secret.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const NOW = 1_768_471_895_500;
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const secret = newClientSecret();
const claimsWith = async (gid: string): Promise<GrantClaims> => ({ gid, e: 'ev', n: 7, sh: await hashSecret(secret), iat: NOW - 1000, exp: NOW + 60_000 });
const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'EdDSA', use: 'sig' }] };

describe('verifyGrant', () => {
  it('accepts a grant with its secret from a JWKS document, a map or a lookup; claims in ms', async () => {
    const claims = await claimsWith('g-1');
    const grant = signGrant({ kid: 'k1', privateKey }, claims);
    for (const keys of [jwks, new Map([['k1', publicKey]]), async (kid: string) => (kid === 'k1' ? publicKey : undefined)]) {
      expect(await verifyGrant(grant, secret, keys, { now: NOW, eventId: 'ev' })).toEqual({ ok: true, claims, kid: 'k1' });
    }
  });

  it('refuses with the reservation handler codes: secret, event, expiry at the injected now, key, signature, header', async () => {
    const claims = await claimsWith('g-2');
    const grant = signGrant({ kid: 'k1', privateKey }, claims);
    const code = async (token: string, options: { now?: number; eventId?: string } = { now: NOW }, presented = secret) =>
      ((await verifyGrant(token, presented, jwks, options)) as { code?: string }).code;
    expect(await code(grant, { now: NOW }, `${secret}x`)).toBe('GRANT_WRONG_SECRET');
    expect(await code(grant, { now: NOW, eventId: 'other' })).toBe('GRANT_WRONG_EVENT');
    expect(await code(grant, { now: claims.exp })).toBe('GRANT_EXPIRED');
    expect(await code(grant, {})).toBe('GRANT_EXPIRED'); // default now is Date.now(), long after 2026-01-15
    expect(await code(signGrant({ kid: 'k2', privateKey }, claims))).toBe('GRANT_UNKNOWN_KEY');
    expect(await code(signGrant({ kid: 'k1', privateKey: generateKeyPairSync('ed25519').privateKey }, claims))).toBe('GRANT_INVALID_SIGNATURE');
    const [, payload, signature] = grant.split('.');
    expect(await code(`${encodePayload({ alg: 'EdDSA', kid: 'k1', typ: 'waitroom-grant+jwt', jku: 'https://x.example/' })}.${payload}.${signature}`)).toBe(
      'GRANT_MALFORMED',
    );
    for (const junk of ['', 'a.b.c', 42 as unknown as string, null as unknown as string]) expect(await code(junk)).toBe('GRANT_MALFORMED');
    expect(await verifyGrant(grant, secret, 'http://127.0.0.1:9/jwks.json', { now: NOW })).toMatchObject({
      ok: false,
      code: 'GRANT_KEYS_UNAVAILABLE',
      retryable: true,
    });
  });
});

describe('consumeGrant in the caller’s own transaction (real PostgreSQL)', () => {
  let db: TestDatabase;
  const clients: pg.Client[] = [];
  const connect = async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const migration = await readFile(CONSUMED_GRANTS_MIGRATION, 'utf8');
    const client = await connect();
    await client.query(migration);
    await client.query(migration); // idempotent: a second apply changes nothing
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
    await db?.drop();
  });

  it('consumes once when the transaction commits; a rolled-back consume leaves the grant usable', async () => {
    const claims = readGrantClaims(signGrant({ kid: 'k1', privateKey }, await claimsWith('g-3')))!;
    const client = await connect();
    await client.query('BEGIN');
    expect(await consumeGrant(client, claims)).toBe('consumed');
    await client.query('ROLLBACK');
    await client.query('BEGIN');
    expect(await consumeGrant(client, claims)).toBe('consumed');
    await client.query('COMMIT');
    expect(await consumeGrant(client, claims)).toBe('already_consumed');
    const { rows } = await client.query('SELECT ticket_no, expires_at FROM waitroom_consumed_grants WHERE grant_id = $1', ['g-3']);
    expect(rows).toEqual([{ ticket_no: '7', expires_at: new Date(claims.exp) }]);
  });

  it('a concurrent second use waits for the first transaction: already_consumed if it commits, consumed if it rolls back', async () => {
    for (const [ending, expected] of [
      ['COMMIT', 'already_consumed'],
      ['ROLLBACK', 'consumed'],
    ] as const) {
      const claims = await claimsWith(`g-${ending}`);
      const [first, second] = [await connect(), await connect()];
      await first.query('BEGIN');
      expect(await consumeGrant(first, claims)).toBe('consumed');
      await second.query('BEGIN');
      const waiting = consumeGrant(second, claims);
      const settled = await Promise.race([waiting.then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))]);
      expect(settled).toBe('waiting');
      await first.query(ending);
      expect(await waiting).toBe(expected);
      await second.query('COMMIT');
    }
  });
});
