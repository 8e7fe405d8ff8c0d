/**
 * Verifying a grant: the one implementation in the repository (docs/decisions/019-grant-package.md).
 * The header is checked exactly before any key is chosen, then jose checks the Ed25519 signature,
 * then the claims strictly and `exp`; `verifyGrant` adds the client secret (and optionally the event).
 */
import { compactVerify, errors } from 'jose';
import { fromBase64Url } from './base64url.js';
import { GRANT_ALG, GRANT_TYPE, readGrant, type GrantClaims } from './claims.js';
import { grantKeyLookup, type GrantKeys, type GrantPublicKey } from './keys.js';
import { GRANT_REFUSALS, WRONG_SECRET, wrongEvent, type GrantFailure, type GrantRefusal } from './refusals.js';
import { secretMatches } from './secret.js';

export type GrantCheck = { ok: true; claims: GrantClaims; kid: string } | { ok: false; failure: GrantFailure };

/** Header, signature, claims and expiry at `now` (ms). No secret: the Waitroom server checks it after the event. */
export async function checkGrant(token: string, keys: GrantKeys, now: number): Promise<GrantCheck> {
  // The header is checked before any key is chosen: another alg or typ (none, HS256, a different JWT) never reaches a verifier.
  const read = readGrant(token);
  if (!read) return { ok: false, failure: 'malformed' };
  let key: GrantPublicKey | undefined;
  try {
    key = await grantKeyLookup(keys)(read.kid);
  } catch {
    // The key set could not be fetched: no verdict on the grant, the caller may retry.
    return { ok: false, failure: 'keys_unavailable' };
  }
  if (!key) return { ok: false, failure: 'unknown_key' };
  // One spelling per signature: base64url decoders ignore a last character's unused bits (see base64url.ts).
  if (fromBase64Url(token.slice(token.lastIndexOf('.') + 1))?.length !== 64) return { ok: false, failure: 'bad_signature' };
  try {
    const { protectedHeader } = await compactVerify(token, key, { algorithms: [GRANT_ALG] });
    if (protectedHeader.typ !== GRANT_TYPE) return { ok: false, failure: 'malformed' };
  } catch (error) {
    return { ok: false, failure: error instanceof errors.JWSSignatureVerificationFailed ? 'bad_signature' : 'malformed' };
  }
  if (read.claims.exp <= now) return { ok: false, failure: 'expired' };
  return { ok: true, claims: read.claims, kid: read.kid };
}

export interface VerifyGrantOptions {
  /** The current time in ms since the Unix epoch (default `Date.now()`); tests inject it. */
  now?: number;
  /** When given, a grant for another event is refused with GRANT_WRONG_EVENT. */
  eventId?: string;
}

export type GrantVerification = { ok: true; claims: GrantClaims; kid: string } | ({ ok: false } & GrantRefusal);

/**
 * Whether `token` is a valid, unexpired grant for the person presenting `secret`. Never throws on bad input.
 * A valid grant still has to be consumed once, in the booking's transaction (`consumeGrant`).
 */
export async function verifyGrant(token: string, secret: string, keys: GrantKeys, options: VerifyGrantOptions = {}): Promise<GrantVerification> {
  const checked = await checkGrant(token, keys, options.now ?? Date.now());
  if (!checked.ok) return { ok: false, ...GRANT_REFUSALS[checked.failure] };
  if (options.eventId !== undefined && checked.claims.e !== options.eventId) return { ok: false, ...wrongEvent(checked.claims.e) };
  if (!(await secretMatches(secret, checked.claims.sh))) return { ok: false, ...WRONG_SECRET };
  return checked;
}
