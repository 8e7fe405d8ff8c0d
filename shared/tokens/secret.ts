/**
 * The client secret binds a ticket and its grant to the device that joined:
 * the client keeps `secret`, sends only `hashSecret(secret)` at join, and
 * presents the secret itself when booking. Works in browsers and Node (WebCrypto).
 */
import { toBase64Url } from './format.js';

/** A new random secret: base64url of 32 random bytes (43 characters). */
export function newClientSecret(): string {
  return toBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/** base64url(SHA-256(UTF-8 secret)). */
export async function hashSecret(secret: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
  return toBase64Url(new Uint8Array(digest));
}
