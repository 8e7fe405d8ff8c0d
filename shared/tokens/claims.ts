/** Claims carried by tickets and grants; parsing them needs no key (browser-safe). */
import { z } from 'zod';

export const TICKET_PREFIX = 'wt1';

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

// Grants: one implementation, in packages/grant (docs/decisions/019-grant-package.md); browser-safe, so the pages use it too.
export {
  GRANT_ALG,
  GRANT_TYPE,
  grantHeader,
  grantWireClaims,
  readGrant,
  readGrantClaims,
  type GrantClaims,
  type GrantParts,
} from '../../packages/grant/src/claims.js';
