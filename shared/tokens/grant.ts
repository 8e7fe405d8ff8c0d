/**
 * Booking grants: Ed25519 signatures (node:crypto) with key ids for rotation.
 * The reservation handler needs only the public keys to verify.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { GRANT_PREFIX, GrantClaims } from './claims.js';
import { decodePayload, encodePayload, fromBase64Url, splitToken, toBase64Url } from './format.js';
import type { Verified } from './verify-result.js';

export interface GrantSigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** Public keys by key id: the current one and any still-valid previous ones. */
export type GrantPublicKeys = ReadonlyMap<string, KeyObject>;

export function signGrant(key: GrantSigningKey, claims: GrantClaims): string {
  const signed = `${GRANT_PREFIX}.${key.kid}.${encodePayload(claims)}`;
  const signature = sign(null, Buffer.from(signed, 'ascii'), key.privateKey);
  return `${signed}.${toBase64Url(signature)}`;
}

export function verifyGrant(token: string, publicKeys: GrantPublicKeys, now: number): Verified<GrantClaims> {
  const parts = splitToken(token, GRANT_PREFIX);
  if (!parts) return { ok: false, failure: 'malformed' };
  const publicKey = publicKeys.get(parts.kid);
  if (!publicKey) return { ok: false, failure: 'unknown_key' };
  const signature = fromBase64Url(parts.signature);
  if (!signature || signature.length !== 64) return { ok: false, failure: 'bad_signature' };
  if (!verify(null, Buffer.from(parts.signed, 'ascii'), publicKey, signature)) {
    return { ok: false, failure: 'bad_signature' };
  }
  const claims = GrantClaims.safeParse(decodePayload(parts.payload));
  if (!claims.success) return { ok: false, failure: 'malformed' };
  if (claims.data.exp <= now) return { ok: false, failure: 'expired' };
  return { ok: true, claims: claims.data, kid: parts.kid };
}
