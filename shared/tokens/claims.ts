/** Claims carried by tickets and grants; parsing them needs no key (browser-safe). */
import { z } from 'zod';
import { decodePayload } from './format.js';

export const TICKET_PREFIX = 'wt1';

/** The `typ` of a grant's protected header (RFC 7515 §4.1.9, RFC 8725 §3.11): a grant is no other JWT. */
export const GRANT_TYPE = 'waitroom-grant+jwt';
/** The only algorithm a grant is signed with (RFC 8037: Ed25519). */
export const GRANT_ALG = 'EdDSA';

const base = {
  /** Event id. */
  e: z.string().min(1).max(64),
  /** Ticket number within the event. */
  n: z.number().int().positive(),
  /** base64url(SHA-256(client secret)). */
  sh: z.string().length(43),
  /** Issued at, ms since the Unix epoch. */
  iat: z.number().int().nonnegative(),
  /** Expires at, ms since the Unix epoch. */
  exp: z.number().int().positive(),
};

export const TicketClaims = z
  .object({
    ...base,
    /** base64url Ed25519 public key derived from the client secret: resumes prove possession with it (shared/tokens/possession.ts). */
    pk: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  })
  .strict();
export type TicketClaims = z.infer<typeof TicketClaims>;

/** A grant's claims as the code uses them: `iat` and `exp` in ms, like every other time here. */
export const GrantClaims = z.object({ ...base, /** Grant id, unique per event. */ gid: z.string().min(1).max(128) }).strict();
export type GrantClaims = z.infer<typeof GrantClaims>;

/**
 * A grant's JWT claims set as signed (docs/decisions/018-jws-grants.md): the same names, but `iat` and
 * `exp` are RFC 7519 NumericDates, seconds since the epoch with the milliseconds as a fraction, so that
 * any JWT library reads the expiry right.
 */
const GrantWireClaims = z.object({ ...base, iat: z.number().nonnegative(), exp: z.number().positive(), gid: GrantClaims.shape.gid }).strict();

export function grantWireClaims(claims: GrantClaims): object {
  return { gid: claims.gid, e: claims.e, n: claims.n, sh: claims.sh, iat: claims.iat / 1000, exp: claims.exp / 1000 };
}

/** The protected header of every grant, in this key order (the serialisation is deterministic). */
export function grantHeader(kid: string): { alg: string; kid: string; typ: string } {
  return { alg: GRANT_ALG, kid, typ: GRANT_TYPE };
}

export interface GrantParts {
  kid: string;
  claims: GrantClaims;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Reads an RFC 7515 compact grant without verifying it: its header must be exactly
 * `{alg: EdDSA, kid, typ: waitroom-grant+jwt}` and its claims a grant's. Null otherwise.
 */
export function readGrant(token: string): GrantParts | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[2]!)) return null;
  const header = decodePayload(parts[0]!) as Record<string, unknown> | null;
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return null;
  const { alg, kid, typ, ...rest } = header;
  if (alg !== GRANT_ALG || typ !== GRANT_TYPE || typeof kid !== 'string' || !KID.test(kid) || Object.keys(rest).length > 0) return null;
  const wire = GrantWireClaims.safeParse(decodePayload(parts[1]!));
  if (!wire.success) return null;
  const claims = GrantClaims.safeParse({ ...wire.data, iat: Math.round(wire.data.iat * 1000), exp: Math.round(wire.data.exp * 1000) });
  return claims.success ? { kid, claims: claims.data } : null;
}

/** Reads a grant's claims without verifying it (for display: remaining validity). */
export function readGrantClaims(token: string): GrantClaims | null {
  return readGrant(token)?.claims ?? null;
}
