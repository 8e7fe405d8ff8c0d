/** Claims carried by tickets and grants; parsing them needs no key (browser-safe). */
import { z } from 'zod';
import { decodePayload, splitToken } from './format.js';

export const TICKET_PREFIX = 'wt1';
export const GRANT_PREFIX = 'wg1';

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

export const GrantClaims = z.object({ ...base, /** Grant id, unique per event. */ gid: z.string().min(1).max(128) }).strict();
export type GrantClaims = z.infer<typeof GrantClaims>;

/** Reads a grant's claims without verifying it (for display: remaining validity). */
export function readGrantClaims(token: string): GrantClaims | null {
  const parts = splitToken(token, GRANT_PREFIX);
  if (!parts) return null;
  const parsed = GrantClaims.safeParse(decodePayload(parts.payload));
  return parsed.success ? parsed.data : null;
}
