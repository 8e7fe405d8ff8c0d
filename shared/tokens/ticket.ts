/**
 * Ticket tokens: HMAC-SHA256 with a server-side key, key ids for rotation.
 * Any gateway holding the key ring can verify a ticket without the store.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { TICKET_PREFIX, TicketClaims } from './claims.js';
import { decodePayload, encodePayload, fromBase64Url, splitToken, toBase64Url } from './format.js';
import type { Verified } from './verify-result.js';

export interface TicketKeyRing {
  /** Key id new tickets are signed with. */
  current: string;
  /** Secret keys by id: the current one and previous ones still accepted. */
  keys: ReadonlyMap<string, Uint8Array>;
}

function mac(key: Uint8Array, signed: string): Buffer {
  return createHmac('sha256', key).update(signed, 'ascii').digest();
}

export function signTicket(ring: TicketKeyRing, claims: TicketClaims): string {
  const key = ring.keys.get(ring.current);
  if (!key) throw new Error(`ticket key ring has no key "${ring.current}"`);
  const signed = `${TICKET_PREFIX}.${ring.current}.${encodePayload(claims)}`;
  return `${signed}.${toBase64Url(mac(key, signed))}`;
}

export function verifyTicket(token: string, ring: TicketKeyRing, now: number): Verified<TicketClaims> {
  const parts = splitToken(token, TICKET_PREFIX);
  if (!parts) return { ok: false, failure: 'malformed' };
  const key = ring.keys.get(parts.kid);
  if (!key) return { ok: false, failure: 'unknown_key' };
  const given = fromBase64Url(parts.signature);
  const expected = mac(key, parts.signed);
  if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, failure: 'bad_signature' };
  }
  const claims = TicketClaims.safeParse(decodePayload(parts.payload));
  if (!claims.success) return { ok: false, failure: 'malformed' };
  if (claims.data.exp <= now) return { ok: false, failure: 'expired' };
  return { ok: true, claims: claims.data, kid: parts.kid };
}
