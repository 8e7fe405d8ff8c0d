import { createHash, createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { CompactSign, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { readGrantClaims, type GrantClaims, type TicketClaims } from '../../shared/tokens/claims.js';
import { encodePayload, toBase64Url } from '../../shared/tokens/format.js';
import { signGrant, verifyGrant } from '../../shared/tokens/grant.js';
import { hashSecret, newClientSecret } from '../../shared/tokens/secret.js';
import { signTicket, verifyTicket, type TicketKeyRing } from '../../shared/tokens/ticket.js';

const NOW = 1_700_000_000_000;
const ticketClaims: TicketClaims = { e: 'demo', n: 42, sh: 'a'.repeat(43), pk: 'k'.repeat(43), iat: NOW - 1000, exp: NOW + 60_000 };
const grantClaims: GrantClaims = { e: 'demo', n: 42, sh: 'a'.repeat(43), iat: NOW - 1000, exp: NOW + 60_000, gid: 'g-42' };

const first = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const signingKey = { kid: 'k1', privateKey: first.privateKey };
const publicKeys = new Map([['k1', first.publicKey]]);

function withPart(token: string, index: number, value: string): string {
  const parts = token.split('.');
  parts[index] = value;
  return parts.join('.');
}

/** A compact JWS of `claims` (JSON as given) under `header`, signed by Ed25519 `privateKey` over the ASCII `header.payload`. */
function jws(header: object, claims: object, privateKey = first.privateKey): string {
  const signed = `${encodePayload(header)}.${encodePayload(claims)}`;
  return `${signed}.${toBase64Url(sign(null, Buffer.from(signed), privateKey))}`;
}

const HEADER = { alg: 'EdDSA', kid: 'k1', typ: 'waitroom-grant+jwt' };
const wireClaims = { ...grantClaims, iat: grantClaims.iat / 1000, exp: grantClaims.exp / 1000 };

describe('grants', () => {
  it('are RFC 7515 compact JWS with alg EdDSA, kid and typ, and verify with the public key', async () => {
    const token = signGrant(signingKey, grantClaims);
    const [header, payload] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual(HEADER);
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual(wireClaims);
    expect(await verifyGrant(token, publicKeys, NOW)).toEqual({ ok: true, claims: grantClaims, kid: 'k1' });
  });

  it('are what jose signs and what a JWT library reads: exp and iat in seconds (RFC 7519)', async () => {
    const token = signGrant(signingKey, grantClaims);
    const payload = Buffer.from(token.split('.')[1]!, 'base64url');
    expect(await new CompactSign(payload).setProtectedHeader(HEADER).sign(first.privateKey)).toBe(token);
    const { payload: read } = await jwtVerify(token, first.publicKey, { algorithms: ['EdDSA'], typ: 'waitroom-grant+jwt', currentDate: new Date(NOW) });
    expect(read.exp! * 1000).toBe(grantClaims.exp);
    await expect(jwtVerify(token, first.publicKey, { currentDate: new Date(grantClaims.exp + 1000) })).rejects.toThrow(/exp/);
  });

  it('are deterministic: the same claims give the same token', () => {
    expect(signGrant(signingKey, { ...grantClaims })).toBe(signGrant(signingKey, grantClaims));
    expect(signGrant(signingKey, { ...grantClaims, n: 43 })).not.toBe(signGrant(signingKey, grantClaims));
  });

  it('reject a tampered payload or a tampered signature', async () => {
    const token = signGrant(signingKey, grantClaims);
    const forged = withPart(token, 1, encodePayload({ ...wireClaims, exp: wireClaims.exp + 3600 }));
    expect(await verifyGrant(forged, publicKeys, NOW)).toEqual({ ok: false, failure: 'bad_signature' });
    const signature = token.split('.')[2]!;
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(await verifyGrant(withPart(token, 2, flipped), publicKeys, NOW)).toEqual({ ok: false, failure: 'bad_signature' });
    expect(await verifyGrant(withPart(token, 2, 'AAAA'), publicKeys, NOW)).toEqual({ ok: false, failure: 'bad_signature' });
  });

  it('have one encoding: a signature re-spelled in its last character (same bytes under a lenient decoder) is refused', async () => {
    const token = signGrant(signingKey, grantClaims);
    const signature = token.split('.')[2]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 64 bytes are 86 characters; the last one carries 2 bits and 4 unused ones, so 15 other spellings decode alike.
    const respelled = [...alphabet]
      .map((c) => signature.slice(0, -1) + c)
      .filter((text) => text !== signature && Buffer.from(text, 'base64url').equals(Buffer.from(signature, 'base64url')));
    expect(respelled.length).toBe(15);
    for (const text of respelled) expect(await verifyGrant(withPart(token, 2, text), publicKeys, NOW)).toEqual({ ok: false, failure: 'bad_signature' });
  });

  it('reject a signature by another key under the same kid', async () => {
    const token = signGrant({ kid: 'k1', privateKey: other.privateKey }, grantClaims);
    expect(await verifyGrant(token, publicKeys, NOW)).toEqual({ ok: false, failure: 'bad_signature' });
  });

  it('reject an unknown kid, from a map or a lookup', async () => {
    const token = signGrant({ kid: 'k2', privateKey: first.privateKey }, grantClaims);
    expect(await verifyGrant(token, publicKeys, NOW)).toEqual({ ok: false, failure: 'unknown_key' });
    expect(await verifyGrant(token, async (kid) => publicKeys.get(kid), NOW)).toEqual({ ok: false, failure: 'unknown_key' });
    expect((await verifyGrant(token, new Map([...publicKeys, ['k2', first.publicKey]]), NOW)).ok).toBe(true);
  });

  it('say the keys are unavailable, not the grant invalid, when a lookup fails', async () => {
    const lookup = () => Promise.reject(new Error('connect ECONNREFUSED'));
    expect(await verifyGrant(signGrant(signingKey, grantClaims), lookup, NOW)).toEqual({ ok: false, failure: 'keys_unavailable' });
  });

  it('expire once exp <= now', async () => {
    const token = signGrant(signingKey, grantClaims);
    expect((await verifyGrant(token, publicKeys, grantClaims.exp - 1)).ok).toBe(true);
    expect(await verifyGrant(token, publicKeys, grantClaims.exp)).toEqual({ ok: false, failure: 'expired' });
    expect(await verifyGrant(token, publicKeys, grantClaims.exp + 1)).toEqual({ ok: false, failure: 'expired' });
  });

  it('refuse any other alg or typ: none, HS256 keyed with the public key, a plain JWT, extra header parameters', async () => {
    const [header, payload] = signGrant(signingKey, grantClaims).split('.');
    const publicBytes = first.publicKey.export({ type: 'spki', format: 'der' });
    const hsHeader = encodePayload({ ...HEADER, alg: 'HS256' });
    const hs256 = `${hsHeader}.${payload}.${toBase64Url(createHmac('sha256', publicBytes).update(`${hsHeader}.${payload}`).digest())}`;
    for (const bad of [
      `${encodePayload({ ...HEADER, alg: 'none' })}.${payload}.`,
      hs256,
      jws({ ...HEADER, alg: 'Ed25519' }, wireClaims),
      jws({ ...HEADER, typ: 'JWT' }, wireClaims),
      jws({ alg: 'EdDSA', kid: 'k1' }, wireClaims),
      jws({ ...HEADER, crit: ['b64'], b64: false }, wireClaims),
      jws({ ...HEADER, jku: 'https://attacker.example/jwks.json' }, wireClaims),
    ]) {
      expect(await verifyGrant(bad, publicKeys, NOW)).toEqual({ ok: false, failure: 'malformed' });
    }
    expect(header).toBe(encodePayload(HEADER));
  });

  it('are malformed when the envelope is wrong', async () => {
    const token = signGrant(signingKey, grantClaims);
    const ticket = signTicket({ current: 'k1', keys: new Map([['k1', randomBytes(32)]]) }, ticketClaims);
    for (const bad of [
      '',
      'garbage',
      '...',
      'abc.def',
      `${token}.x`,
      `x${token}`,
      ticket,
      jws({ ...HEADER, kid: 'k 1' }, wireClaims),
      withPart(token, 1, 'a+b/'),
    ]) {
      expect(await verifyGrant(bad, publicKeys, NOW)).toEqual({ ok: false, failure: 'malformed' });
    }
  });

  it('are malformed when a correctly signed payload does not hold grant claims', async () => {
    for (const claims of [ticketClaims, { ...wireClaims, extra: 1 }, { ...wireClaims, n: 0 }, [wireClaims]]) {
      expect(await verifyGrant(jws(HEADER, claims), publicKeys, NOW)).toEqual({ ok: false, failure: 'malformed' });
    }
  });
});

describe('readGrantClaims', () => {
  it('reads claims without a key, even of an expired grant, in ms', () => {
    expect(readGrantClaims(signGrant(signingKey, grantClaims))).toEqual(grantClaims);
    expect(readGrantClaims(signGrant(signingKey, { ...grantClaims, exp: 1 }))?.exp).toBe(1);
    expect(readGrantClaims(signGrant(signingKey, { ...grantClaims, exp: 1_764_757_800_123 }))?.exp).toBe(1_764_757_800_123);
  });

  it('returns null for anything that is not a grant', () => {
    const ticket = signTicket({ current: 'k1', keys: new Map([['k1', randomBytes(32)]]) }, ticketClaims);
    expect(readGrantClaims(ticket)).toBeNull();
    expect(readGrantClaims(`${encodePayload(HEADER)}.!!!.sig`)).toBeNull();
    expect(readGrantClaims(`${encodePayload(HEADER)}.${encodePayload({ e: 'demo' })}.sig`)).toBeNull();
    expect(readGrantClaims(`${encodePayload(HEADER)}.${toBase64Url(new Uint8Array([0xff, 0xfe]))}.sig`)).toBeNull();
    expect(readGrantClaims(`${encodePayload({ ...HEADER, typ: 'JWT' })}.${encodePayload(wireClaims)}.sig`)).toBeNull();
  });
});

describe('tickets', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const ring: TicketKeyRing = { current: 'k1', keys: new Map([['k1', k1]]) };

  it('verify with the ring and reject tampering or another secret', () => {
    const token = signTicket(ring, ticketClaims);
    expect(token.startsWith('wt1.k1.')).toBe(true);
    expect(verifyTicket(token, ring, NOW)).toEqual({ ok: true, claims: ticketClaims, kid: 'k1' });
    const forged = withPart(token, 2, encodePayload({ ...ticketClaims, n: 1 }));
    expect(verifyTicket(forged, ring, NOW)).toEqual({ ok: false, failure: 'bad_signature' });
    expect(verifyTicket(token, { current: 'k1', keys: new Map([['k1', k2]]) }, NOW)).toEqual({ ok: false, failure: 'bad_signature' });
    expect(verifyTicket(withPart(token, 3, 'AAAA'), ring, NOW)).toEqual({ ok: false, failure: 'bad_signature' });
    expect(verifyTicket(token, ring, ticketClaims.exp)).toEqual({ ok: false, failure: 'expired' });
    expect(verifyTicket(`${token}.x`, ring, NOW)).toEqual({ ok: false, failure: 'malformed' });
    expect(verifyTicket(signGrant(signingKey, grantClaims), ring, NOW)).toEqual({ ok: false, failure: 'malformed' });
  });

  it('are malformed when a correctly signed payload does not hold ticket claims', () => {
    const signed = `wt1.k1.${encodePayload(grantClaims)}`;
    const token = `${signed}.${toBase64Url(createHmac('sha256', k1).update(signed).digest())}`;
    expect(verifyTicket(token, ring, NOW)).toEqual({ ok: false, failure: 'malformed' });
  });

  it('survive a key rotation while the previous key stays in the ring', () => {
    const old = signTicket(ring, ticketClaims);
    const rotated: TicketKeyRing = {
      current: 'k2',
      keys: new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
    };
    const fresh = signTicket(rotated, ticketClaims);
    expect(fresh.startsWith('wt1.k2.')).toBe(true);
    expect(verifyTicket(old, rotated, NOW)).toMatchObject({ ok: true, kid: 'k1' });
    expect(verifyTicket(fresh, rotated, NOW)).toMatchObject({ ok: true, kid: 'k2' });
    const retired: TicketKeyRing = { current: 'k2', keys: new Map([['k2', k2]]) };
    expect(verifyTicket(old, retired, NOW)).toEqual({ ok: false, failure: 'unknown_key' });
    expect(verifyTicket(fresh, retired, NOW).ok).toBe(true);
  });

  it('cannot be signed when the ring lacks its current key', () => {
    expect(() => signTicket({ current: 'k9', keys: new Map([['k1', k1]]) }, ticketClaims)).toThrow(/k9/);
  });
});

describe('client secrets', () => {
  it('are 43 base64url characters of fresh randomness', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => newClientSecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('hash to base64url SHA-256 of their UTF-8 bytes', async () => {
    expect(await hashSecret('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    for (const secret of [newClientSecret(), '', 'één wachtrij 대기열 🎟']) {
      expect(await hashSecret(secret)).toBe(createHash('sha256').update(secret, 'utf8').digest('base64url'));
    }
  });
});
