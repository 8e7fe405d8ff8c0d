/**
 * Hashcash-style proof-of-work challenges (docs/protocol.md §3.1.2).
 *
 *   challenge = "pow1.<eventId>.<id>.<difficulty>.<expiresAt>.<kid>.<mac>"
 *   solved by a nonce n when SHA-256(challenge + "." + n) starts with `difficulty` zero bits
 *
 * The MAC (HMAC-SHA-256 under a key derived from the ticket key `kid`) lets
 * any gateway check a challenge without storing it; only redeemed ids are
 * stored, until the challenge expires, to make each single-use.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TicketKeyRing } from '../../../shared/tokens/ticket.js';

const PREFIX = 'pow1';

export interface Challenge {
  eventId: string;
  /** Random, base64url: the redeemed-challenge record's key. */
  id: string;
  difficulty: number;
  expiresAt: number;
}

export type ChallengeCheck = { ok: true; challenge: Challenge } | { ok: false; failure: 'invalid' | 'expired' };

function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** The PoW key for ticket key `kid`: never the ticket key itself, so a challenge MAC can never pass as a ticket's. */
function powKey(ring: TicketKeyRing, kid: string): Buffer | null {
  const key = ring.keys.get(kid);
  return key ? createHmac('sha256', key).update('waitroom proof-of-work').digest() : null;
}

function mac(key: Buffer, signed: string): string {
  return toBase64Url(createHmac('sha256', key).update(signed).digest());
}

export function issueChallenge(ring: TicketKeyRing, eventId: string, difficulty: number, expiresAt: number): string {
  const signed = [PREFIX, eventId, toBase64Url(randomBytes(16)), difficulty, expiresAt, ring.current].join('.');
  return `${signed}.${mac(powKey(ring, ring.current)!, signed)}`;
}

/** A genuine challenge for `eventId`, not yet expired (whether it was already redeemed is the store's question). */
export function checkChallenge(ring: TicketKeyRing, text: string, eventId: string, now: number): ChallengeCheck {
  const parts = text.split('.');
  if (parts.length !== 7 || parts[0] !== PREFIX) return { ok: false, failure: 'invalid' };
  const [, event, id, difficultyText, expiresText, kid, given] = parts as [string, string, string, string, string, string, string];
  const key = powKey(ring, kid);
  if (!key) return { ok: false, failure: 'invalid' };
  const expected = Buffer.from(mac(key, parts.slice(0, 6).join('.')));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return { ok: false, failure: 'invalid' };
  if (event !== eventId) return { ok: false, failure: 'invalid' };
  const challenge = { eventId: event, id, difficulty: Number(difficultyText), expiresAt: Number(expiresText) };
  if (challenge.expiresAt <= now) return { ok: false, failure: 'expired' };
  return { ok: true, challenge };
}

/** Leading zero bits of a digest. */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** One hash: does `nonce` solve `challengeText` at `difficulty`? */
export function solves(challengeText: string, nonce: string, difficulty: number): boolean {
  return leadingZeroBits(createHash('sha256').update(`${challengeText}.${nonce}`).digest()) >= difficulty;
}
