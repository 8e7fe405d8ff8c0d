/**
 * The `nonce` a booking page asks the identity provider to sign into the
 * person's assertion (docs/protocol.md §9.5): the id of the grant it holds, so
 * the assertion books with that grant only. Null for a grant that does not read.
 */
import { readGrantClaims } from '../tokens/claims.js';

export function identityNonce(grant: string): string | null {
  return readGrantClaims(grant)?.gid ?? null;
}
