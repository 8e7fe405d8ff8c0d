/**
 * The commitment to a pre-queue draw's seed (docs/decisions/005, "Verifiable
 * draw"). Before anyone joins the pre-queue the store fixes the seed and a
 * random nonce and publishes only this hash; at the opening it reveals the
 * seed, the nonce and the pre-queue size. Anyone can then recompute the hash
 * and the whole order (./draw.ts).
 *
 * The nonce makes the hash hiding: the seed has only 2^32 values, so a hash of
 * the seed alone could be inverted by trying them all before the opening.
 *
 * The hashed text, in UTF-8 (docs/protocol.md §5.2):
 *   "waitroom-draw-commitment/v1\n" + eventId + "\n" + seed (decimal) + "\n" + nonce (lowercase hex)
 * and the commitment is its SHA-256 in lowercase hex.
 */

export const COMMITMENT_DOMAIN = 'waitroom-draw-commitment/v1';

/** Bytes of the nonce (128 bits), hex-encoded in the record. */
export const NONCE_BYTES = 16;

/** A lowercase-hex SHA-256. */
export const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** What is hashed: the domain, then the event id, the seed and the nonce, one line each. */
export function commitmentText(eventId: string, seed: number, nonce: string): string {
  return `${COMMITMENT_DOMAIN}\n${eventId}\n${seed}\n${nonce}`;
}

export function drawCommitment(eventId: string, seed: number, nonce: string): Promise<string> {
  return sha256Hex(commitmentText(eventId, seed, nonce));
}

/** SHA-256 of a text's UTF-8 bytes, lowercase hex (WebCrypto: the same in browsers and Node). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
