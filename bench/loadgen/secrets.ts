/**
 * The client secret of shared/tokens/secret.ts, made the way a load generator
 * can afford: the same format (base64url of 32 random bytes) and the same hash
 * (base64url of SHA-256 of the UTF-8 secret), but from a pre-filled random pool
 * and node:crypto's synchronous hash. Measured in Node 20: WebCrypto's
 * getRandomValues + subtle.digest cost ~75 µs per client, these ~7 µs.
 * test/unit/loadgen-minimal-ws.test.ts checks they agree with hashSecret.
 */
import { createHash, createPrivateKey, createPublicKey, randomFillSync, sign, type KeyObject } from 'node:crypto';
import { POSSESSION_KEY_LABEL } from '../../shared/tokens/possession.js';

const POOL_BYTES = 64 * 1024;
let pool = Buffer.allocUnsafe(0);
let offset = 0;

/** `bytes` fresh random bytes (a view into the pool: use before the next call). */
export function randomView(bytes: number): Buffer {
  if (offset + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const view = pool.subarray(offset, offset + bytes);
  offset += bytes;
  return view;
}

/** A new secret, as newClientSecret() makes it: 43 base64url characters. */
export function newSecret(): string {
  return randomView(32).toString('base64url');
}

/** hashSecret(secret), synchronously. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** DER of an Ed25519 PKCS#8 private key, up to its 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function possessionPrivateKey(secret: string): KeyObject {
  const seed = createHash('sha256')
    .update(POSSESSION_KEY_LABEL + secret, 'utf8')
    .digest();
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** possessionKey(secret), synchronously with node:crypto (about 30 µs; the pure-JS one costs several times that). */
export function possessionKeyOf(secret: string): string {
  return createPublicKey(possessionPrivateKey(secret)).export({ format: 'jwk' }).x!;
}

/** proveWith(secret, challenge), synchronously with node:crypto (Ed25519 signatures are deterministic: the same proof). */
export function proofOf(secret: string, challenge: string): string {
  return sign(null, Buffer.from(challenge, 'utf8'), possessionPrivateKey(secret)).toString('base64url');
}
