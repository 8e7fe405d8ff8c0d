/**
 * Booking grants: RFC 7515 JWS in compact serialisation, `alg: EdDSA` (RFC 8037,
 * Ed25519), `kid` and `typ: waitroom-grant+jwt` in the protected header
 * (docs/decisions/018-jws-grants.md). Verified with `jose`; the reservation
 * handler needs only the public keys, from files or a gateway's JWKS.
 */
import { sign, type KeyObject } from 'node:crypto';
import { compactVerify, errors } from 'jose';
import { GRANT_ALG, GRANT_TYPE, GrantClaims, grantHeader, grantWireClaims, readGrant } from './claims.js';
import { encodePayload, fromBase64Url, toBase64Url } from './format.js';
import type { Verified } from './verify-result.js';

export interface GrantSigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** Public keys by key id: the current one and any still-valid previous ones. */
export type GrantPublicKeys = ReadonlyMap<string, KeyObject>;

/** Keys found elsewhere (a JWKS URL: server/config/jwks.ts): the key for a key id, or undefined when there is none. */
export type GrantKeyLookup = (kid: string) => Promise<KeyObject | CryptoKey | undefined>;

/**
 * The compact JWS of `claims`. Synchronous, so a gateway mints while it handles a message;
 * byte for byte what jose's CompactSign makes from the same header and payload (test/unit/tokens.test.ts),
 * and deterministic (Ed25519 is): every node re-mints the same grant for an admitted ticket.
 */
export function signGrant(key: GrantSigningKey, claims: GrantClaims): string {
  const signed = `${encodePayload(grantHeader(key.kid))}.${encodePayload(grantWireClaims(claims))}`;
  return `${signed}.${toBase64Url(sign(null, Buffer.from(signed, 'ascii'), key.privateKey))}`;
}

export async function verifyGrant(token: string, keys: GrantPublicKeys | GrantKeyLookup, now: number): Promise<Verified<GrantClaims>> {
  // The header is checked before any key is chosen: another alg or typ (none, HS256, a different JWT) never reaches a verifier.
  const read = readGrant(token);
  if (!read) return { ok: false, failure: 'malformed' };
  let key: KeyObject | CryptoKey | undefined;
  try {
    key = typeof keys === 'function' ? await keys(read.kid) : keys.get(read.kid);
  } catch {
    // The key set could not be fetched: no verdict on the grant, the caller may retry.
    return { ok: false, failure: 'keys_unavailable' };
  }
  if (!key) return { ok: false, failure: 'unknown_key' };
  // One spelling per signature: base64url decoders ignore a last character's unused bits (see format.ts).
  if (fromBase64Url(token.slice(token.lastIndexOf('.') + 1))?.length !== 64) return { ok: false, failure: 'bad_signature' };
  try {
    const { protectedHeader } = await compactVerify(token, key, { algorithms: [GRANT_ALG] });
    if (protectedHeader.typ !== GRANT_TYPE) return { ok: false, failure: 'malformed' };
  } catch (error) {
    return { ok: false, failure: error instanceof errors.JWSSignatureVerificationFailed ? 'bad_signature' : 'malformed' };
  }
  if (read.claims.exp <= now) return { ok: false, failure: 'expired' };
  return { ok: true, claims: read.claims, kid: read.kid };
}
