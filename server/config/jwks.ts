/**
 * Grant public keys as a JSON Web Key Set (RFC 7517): gateways publish theirs at
 * `/.well-known/jwks.json`, and a reservation handler may take its keys from such
 * a URL (`keys.grant.jwksUrl`) instead of files (docs/decisions/018-jws-grants.md).
 */
import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, type JSONWebKeySet } from 'jose';
import { GRANT_ALG } from '../../shared/tokens/claims.js';
import type { GrantKeyLookup, GrantPublicKeys } from '../../shared/tokens/grant.js';

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

/**
 * Keys fetched from a JWKS URL (jose fetches again, at most every 30 s, when a key id is not in its copy:
 * a rotation is seen without a restart). An unreachable URL throws: that is no verdict on the grant (GRANT_KEYS_UNAVAILABLE).
 */
export function remoteGrantKeys(url: string): GrantKeyLookup {
  const set = createRemoteJWKSet(new URL(url));
  return async (kid) => {
    try {
      return await set({ alg: GRANT_ALG, kid });
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) return undefined;
      throw error;
    }
  };
}
