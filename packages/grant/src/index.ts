/**
 * @waitroom/grant: verify a Waitroom booking grant (RFC 7515 JWS, EdDSA) and consume it once
 * inside your own PostgreSQL transaction. Depends on jose only. See README.md.
 */
export { GRANT_ALG, GRANT_TYPE, readGrant, readGrantClaims, type GrantClaims, type GrantParts } from './claims.js';
export { hashSecret, secretMatches } from './secret.js';
export { grantKeyLookup, remoteGrantKeys, type GrantKeyLookup, type GrantKeys, type GrantPublicKey, type GrantPublicKeys } from './keys.js';
export { GRANT_REFUSALS, WRONG_SECRET, wrongEvent, type GrantFailure, type GrantRefusal, type GrantRefusalCode } from './refusals.js';
export { checkGrant, verifyGrant, type GrantCheck, type GrantVerification, type VerifyGrantOptions } from './verify.js';
export { consumeGrant, CONSUMED_GRANTS_MIGRATION, type ConsumeOutcome, type SqlClient } from './consume.js';
