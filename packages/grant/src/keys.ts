/**
 * Where a verifier finds a grant's public key by its `kid`: a gateway's JWKS URL
 * (`/.well-known/jwks.json`), a JWKS document already in hand, a map of kid → key,
 * or a lookup function. Everything becomes one `GrantKeyLookup`.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, type CryptoKey, type JSONWebKeySet, type KeyObject } from 'jose';
import { GRANT_ALG } from './claims.js';

/** A public key as jose takes it: a WebCrypto CryptoKey or a Node KeyObject. */
export type GrantPublicKey = CryptoKey | KeyObject;

/** Public keys by key id: the current one and any still-valid previous ones. */
export type GrantPublicKeys = ReadonlyMap<string, GrantPublicKey>;

/** The key for a key id, or undefined when there is none; throws when the keys cannot be fetched. */
export type GrantKeyLookup = (kid: string) => Promise<GrantPublicKey | undefined>;

/** Anything `verifyGrant` takes as keys. A string or URL is a JWKS URL. */
export type GrantKeys = string | URL | JSONWebKeySet | GrantPublicKeys | GrantKeyLookup;

/** What both jose key sets (local and remote) are called as. */
type KeySet = (header: { alg: string; kid: string }) => Promise<CryptoKey>;

function lookupIn(set: KeySet): GrantKeyLookup {
  return async (kid) => {
    try {
      return await set({ alg: GRANT_ALG, kid });
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return undefined;
      throw error;
    }
  };
}

/**
 * Keys fetched from a JWKS URL. jose keeps a copy and fetches again (at most every 30 s) when a key id is not in it,
 * so a rotation is seen without a restart. An unreachable URL throws: that is no verdict on the grant.
 */
export function remoteGrantKeys(url: string | URL): GrantKeyLookup {
  return lookupIn(createRemoteJWKSet(new URL(url)));
}

/** One remote key set per URL for the life of the process, so `verifyGrant(token, secret, url)` fetches once, not per call. */
const remoteSets = new Map<string, GrantKeyLookup>();

const localSets = new WeakMap<JSONWebKeySet, GrantKeyLookup>();

/** The lookup for any `GrantKeys`. */
export function grantKeyLookup(keys: GrantKeys): GrantKeyLookup {
  if (typeof keys === 'function') return keys;
  if (typeof keys === 'string' || keys instanceof URL) {
    const url = new URL(keys).href;
    let lookup = remoteSets.get(url);
    if (!lookup) remoteSets.set(url, (lookup = remoteGrantKeys(url)));
    return lookup;
  }
  if (keys instanceof Map) return async (kid) => keys.get(kid);
  // A JWKS document: its keys are imported once, not on every verification.
  let lookup = localSets.get(keys as JSONWebKeySet);
  if (!lookup) localSets.set(keys as JSONWebKeySet, (lookup = lookupIn(createLocalJWKSet(keys as JSONWebKeySet))));
  return lookup;
}
