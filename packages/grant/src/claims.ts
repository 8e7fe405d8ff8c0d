/**
 * A grant's protected header and claims (docs/decisions/018-jws-grants.md), read without a key.
 * Browser-safe and dependency-free: the booking page reads a grant's expiry with it, the
 * verifier checks every grant with it before any key is chosen.
 */
import { decodePayload } from './base64url.js';

/** The `typ` of a grant's protected header (RFC 7515 §4.1.9, RFC 8725 §3.11): a grant is no other JWT. */
export const GRANT_TYPE = 'waitroom-grant+jwt';
/** The only algorithm a grant is signed with (RFC 8037: Ed25519). */
export const GRANT_ALG = 'EdDSA';

/** A grant's claims as code uses them: `iat` and `exp` in ms since the Unix epoch (on the wire: NumericDate seconds). */
export interface GrantClaims {
  /** Grant id, unique per event. */
  gid: string;
  /** Event id. */
  e: string;
  /** Ticket number within the event. */
  n: number;
  /** base64url(SHA-256(client secret)). */
  sh: string;
  /** Issued at, ms since the Unix epoch. */
  iat: number;
  /** Expires at, ms since the Unix epoch. */
  exp: number;
}

export interface GrantParts {
  kid: string;
  claims: GrantClaims;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;
const SECRET_HASH = /^[A-Za-z0-9_-]{43}$/;
const CLAIM_NAMES = ['gid', 'e', 'n', 'sh', 'iat', 'exp'];

/** The JWT claims set as signed: the same names, `iat` and `exp` as RFC 7519 NumericDates (seconds, ms as a fraction). */
export function grantWireClaims(claims: GrantClaims): object {
  return { gid: claims.gid, e: claims.e, n: claims.n, sh: claims.sh, iat: claims.iat / 1000, exp: claims.exp / 1000 };
}

/** The protected header of every grant, in this key order (the serialisation is deterministic). */
export function grantHeader(kid: string): { alg: string; kid: string; typ: string } {
  return { alg: GRANT_ALG, kid, typ: GRANT_TYPE };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max;
}

/** Strict: exactly the six claims, each of its type and range; seconds become ms (exact below 2^53). */
function parseWireClaims(wire: unknown): GrantClaims | null {
  if (!isRecord(wire)) return null;
  const names = Object.keys(wire);
  if (names.length !== CLAIM_NAMES.length || !CLAIM_NAMES.every((name) => Object.hasOwn(wire, name))) return null;
  const { gid, e, n, sh, iat, exp } = wire;
  if (!isText(gid, 128) || !isText(e, 64) || typeof sh !== 'string' || !SECRET_HASH.test(sh)) return null;
  if (!Number.isSafeInteger(n) || (n as number) <= 0) return null;
  if (typeof iat !== 'number' || typeof exp !== 'number' || iat < 0 || exp <= 0) return null;
  const claims = { gid, e, n: n as number, sh, iat: Math.round(iat * 1000), exp: Math.round(exp * 1000) };
  return Number.isSafeInteger(claims.iat) && claims.iat >= 0 && Number.isSafeInteger(claims.exp) && claims.exp > 0 ? claims : null;
}

/**
 * Reads an RFC 7515 compact grant without verifying it: its header must be exactly
 * `{alg: EdDSA, kid, typ: waitroom-grant+jwt}` and its claims a grant's. Null otherwise.
 */
export function readGrant(token: string): GrantParts | null {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[2]!)) return null;
  const header = decodePayload(parts[0]!);
  if (!isRecord(header)) return null;
  const { alg, kid, typ, ...rest } = header;
  if (alg !== GRANT_ALG || typ !== GRANT_TYPE || typeof kid !== 'string' || !KID.test(kid) || Object.keys(rest).length > 0) return null;
  const claims = parseWireClaims(decodePayload(parts[1]!));
  return claims ? { kid, claims } : null;
}

/** Reads a grant's claims without verifying it (for display: remaining validity). */
export function readGrantClaims(token: string): GrantClaims | null {
  return readGrant(token)?.claims ?? null;
}
