/**
 * The client secret of shared/tokens/secret.ts, made the way a load generator
 * can afford: the same format (base64url of 32 random bytes) and the same hash
 * (base64url of SHA-256 of the UTF-8 secret), but from a pre-filled random pool
 * and node:crypto's synchronous hash. Measured in Node 20: WebCrypto's
 * getRandomValues + subtle.digest cost ~75 µs per client, these ~7 µs.
 * test/unit/loadgen-minimal-ws.test.ts checks they agree with hashSecret.
 */
import { createHash, randomFillSync } from 'node:crypto';

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
