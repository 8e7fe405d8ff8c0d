/**
 * Proof that a connection holds a ticket's secret, not just the ticket
 * (docs/decisions/013-ticket-possession.md). The secret stays the one thing a
 * device keeps: an Ed25519 key is derived from it, the join sends the public
 * key (`pk`, carried in the ticket), and a resume signs the connection's
 * one-time `nonce` (from `hello`) together with the ticket. A ticket seen in a
 * shared link or on a screen cannot resume, supersede or leave: that takes the
 * private key, which never leaves the device. Browser-safe (WebCrypto SHA-256
 * and SHA-512 under @noble/ed25519); other languages: docs/protocol.md §3.2.
 */
import { getPublicKeyAsync, signAsync } from '@noble/ed25519';
import { toBase64Url } from './format.js';

/** Domain separation of the key derivation: the seed is SHA-256 of this followed by the secret (UTF-8). */
export const POSSESSION_KEY_LABEL = 'waitroom/possession-key/v1\n';

/** What a resume signs: this connection's nonce and the ticket being resumed. */
export function resumeChallenge(nonce: string, ticket: string): string {
  return `waitroom/resume/v1\n${nonce}\n${ticket}`;
}

/** What a device join signs: the nonce and the event (checked when the join takes over the device's existing place). */
export function deviceJoinChallenge(nonce: string, eventId: string): string {
  return `waitroom/device-join/v1\n${nonce}\n${eventId}`;
}

async function possessionSeed(secret: string): Promise<Uint8Array> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(POSSESSION_KEY_LABEL + secret));
  return new Uint8Array(digest);
}

/** base64url of the 32-byte Ed25519 public key derived from `secret`: the join's `pk` (43 characters). */
export async function possessionKey(secret: string): Promise<string> {
  return toBase64Url(await getPublicKeyAsync(await possessionSeed(secret)));
}

/** base64url of the 64-byte Ed25519 signature of `challenge` (UTF-8) under the key derived from `secret` (86 characters). */
export async function proveWith(secret: string, challenge: string): Promise<string> {
  return toBase64Url(await signAsync(new TextEncoder().encode(challenge), await possessionSeed(secret)));
}
