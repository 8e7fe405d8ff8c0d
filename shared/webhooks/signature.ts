/**
 * The booking webhook signature (docs/webhooks.md): header
 * `Waitroom-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * under a secret shared with the receiver. Signing the timestamp with the body
 * lets a receiver refuse a replayed old request; `v1` names the scheme so a
 * later one can be added beside it. Node's crypto only, nothing else: a
 * receiver written in TypeScript imports this file (or copies it) as it is.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'waitroom-signature';
/** A request signed longer ago (or further ahead) than this is refused by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type SignatureFailure = 'malformed' | 'bad_signature' | 'too_old' | 'in_future';
export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; failure: SignatureFailure };

function mac(secret: string, timestamp: number, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** The header value for `body` (the exact bytes sent) signed at `timestamp` (unix seconds). */
export function signWebhook(secret: string, body: string | Uint8Array, timestamp: number): string {
  return `t=${timestamp},v1=${mac(secret, timestamp, body).toString('hex')}`;
}

/**
 * Checks a received request: `header` as it came (Waitroom-Signature), `body` the raw bytes read
 * (before any JSON parsing), `now` in unix seconds. Accepts when any v1 value matches (several
 * may be sent while a secret is rotated) and the timestamp is within `toleranceSeconds` of now.
 */
export function verifyWebhook(
  secret: string,
  body: string | Uint8Array,
  header: string | undefined | null,
  now: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  if (typeof header !== 'string') return { ok: false, failure: 'malformed' };
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === null || signatures.length === 0) return { ok: false, failure: 'malformed' };
  const expected = mac(secret, timestamp, body);
  if (!signatures.some((signature) => timingSafeEqual(signature, expected))) return { ok: false, failure: 'bad_signature' };
  if (now - timestamp > toleranceSeconds) return { ok: false, failure: 'too_old' };
  if (timestamp - now > toleranceSeconds) return { ok: false, failure: 'in_future' };
  return { ok: true, timestamp };
}
