/**
 * Grant public keys as a JSON Web Key Set (RFC 7517): gateways publish theirs at
 * `/.well-known/jwks.json`, and a reservation handler may take its keys from such
 * a URL (`keys.grant.jwksUrl`) instead of files (docs/decisions/018-jws-grants.md).
 */
import type { KeyObject } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { GRANT_ALG } from '../../shared/tokens/claims.js';
import type { GrantPublicKeys } from '../../shared/tokens/grant.js';

export const JWKS_PATH = '/.well-known/jwks.json';

/** The set to publish: every grant key this process holds (the current one and the rotated ones still configured). */
export function jwksOf(keys: GrantPublicKeys): JSONWebKeySet {
  return {
    keys: [...keys].map(([kid, key]: [string, KeyObject]) => {
      const { kty, crv, x } = key.export({ format: 'jwk' });
      return { kty: kty!, crv, x, kid, alg: GRANT_ALG, use: 'sig' };
    }),
  };
}

// Keys fetched from a JWKS URL (jose re-fetches, at most every 30 s, on an unknown key id): the grant package's.
export { remoteGrantKeys } from '../../packages/grant/src/index.js';
