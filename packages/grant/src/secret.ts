/**
 * The client secret binds a grant to the device that joined: the grant carries
 * `sh = base64url(SHA-256(secret))`, the booker presents the secret itself.
 * WebCrypto only, so it runs in browsers and in Node alike.
 */
import { fromBase64Url, toBase64Url } from './base64url.js';

async function sha256(secret: string): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret)));
}

/** base64url(SHA-256(UTF-8 secret)). */
export async function hashSecret(secret: string): Promise<string> {
  return toBase64Url(await sha256(secret));
}

/** Whether SHA-256(secret) is the hash `secretHash` names; compares every byte whatever differs (constant time). */
export async function secretMatches(secret: string, secretHash: string): Promise<boolean> {
  if (typeof secret !== 'string') return false;
  const given = await sha256(secret);
  const expected = fromBase64Url(secretHash);
  if (!expected || expected.length !== given.length) return false;
  let difference = 0;
  for (let i = 0; i < given.length; i++) difference |= given[i]! ^ expected[i]!;
  return difference === 0;
}
