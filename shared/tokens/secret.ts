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

// Hashing and comparing the secret: one implementation, in packages/grant.
export { hashSecret, secretMatches } from '../../packages/grant/src/secret.js';
