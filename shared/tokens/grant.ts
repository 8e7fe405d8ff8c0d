/**
 * Booking grants: RFC 7515 JWS in compact serialisation, `alg: EdDSA` (RFC 8037,
 * Ed25519), `kid` and `typ: waitroom-grant+jwt` in the protected header
 * (docs/decisions/018-jws-grants.md). Signing lives here (gateways only); verifying
 * is packages/grant's, the one implementation also published as @waitroom/grant
 * (docs/decisions/019-grant-package.md).
 */
import { sign, type KeyObject } from 'node:crypto';
import { checkGrant, type GrantKeyLookup } from '../../packages/grant/src/index.js';
import { grantHeader, grantWireClaims, type GrantClaims } from './claims.js';
import { encodePayload, toBase64Url } from './format.js';
import type { Verified } from './verify-result.js';

export type { GrantKeyLookup };

/** Public keys by key id (Node KeyObjects, which the gateway also exports as its JWKS): the current one and any still-valid previous ones. */
export type GrantPublicKeys = ReadonlyMap<string, KeyObject>;

export interface GrantSigningKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * The compact JWS of `claims`. Synchronous, so a gateway mints while it handles a message;
 * byte for byte what jose's CompactSign makes from the same header and payload (test/unit/tokens.test.ts),
 * and deterministic (Ed25519 is): every node re-mints the same grant for an admitted ticket.
 */
export function signGrant(key: GrantSigningKey, claims: GrantClaims): string {
  const signed = `${encodePayload(grantHeader(key.kid))}.${encodePayload(grantWireClaims(claims))}`;
  return `${signed}.${toBase64Url(sign(null, Buffer.from(signed, 'ascii'), key.privateKey))}`;
}

/** Header, signature, claims and expiry at `now` (ms); the secret is the booking service's next check. */
export function verifyGrant(token: string, keys: GrantPublicKeys | GrantKeyLookup, now: number): Promise<Verified<GrantClaims>> {
  return checkGrant(token, keys, now);
}
