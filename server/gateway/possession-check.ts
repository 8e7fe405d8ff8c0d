/**
 * Checks a possession proof (shared/tokens/possession.ts) with the public key
 * a ticket carries: native Ed25519 (node:crypto), about 60 µs, on resumes and
 * device hand-overs only, never on the tick path.
 */
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '../../shared/tokens/format.js';

/** A connection's one-time nonce, sent in `hello`: 16 random bytes, base64url. */
export function newConnectionNonce(): string {
  return toBase64Url(randomBytes(16));
}

/** True when `proof` is a valid Ed25519 signature of `challenge` under `publicKey` (all base64url). */
export function provesPossession(publicKey: string, challenge: string, proof: string): boolean {
  const signature = fromBase64Url(proof);
  if (!signature || signature.length !== 64) return false;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
    return verify(null, Buffer.from(challenge, 'utf8'), key, signature);
  } catch {
    return false; // not a point on the curve: no proof can match it
  }
}
