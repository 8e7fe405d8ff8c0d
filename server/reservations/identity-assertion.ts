/**
 * Verifies an event's identity assertions (docs/decisions/010-identity-assertion.md)
 * with jose: signature against the configured public keys or JWKS URL, then
 * issuer, audience, algorithm, exp/nbf/iat (with the event's tolerance, by this
 * server's clock), age, and the claims the booking needs: `nonce` equal to the
 * grant's id, a `jti`, and the person claim.
 *
 * Contract: ok only when every check passed; a failure names one reason. An
 * unreachable JWKS URL is IDENTITY_PROVIDER_UNAVAILABLE (retryable), never ok.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { IdentityConfig } from '../config/identity-schema.js';

export type AssertionFailure =
  | 'malformed'
  | 'unknown_key'
  | 'bad_signature'
  | 'algorithm_not_allowed'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'missing_claim'
  | 'wrong_nonce';

export interface VerifiedIdentity {
  issuer: string;
  /** The person claim's value. */
  person: string;
  jti: string;
  /** Its exp plus the clock tolerance (ms): no later than this it can be accepted, so a used jti is remembered until then. */
  acceptedUntil: number;
}

export type AssertionCheck =
  | { ok: true; identity: VerifiedIdentity }
  | { ok: false; code: 'IDENTITY_INVALID'; reason: AssertionFailure; message: string }
  | { ok: false; code: 'IDENTITY_PROVIDER_UNAVAILABLE'; message: string };

const FAILURE_TEXT: Record<AssertionFailure, string> = {
  malformed: 'is not a well-formed signed JWT',
  unknown_key: 'was signed with a key the identity provider does not publish',
  bad_signature: 'signature does not verify (forged or altered)',
  algorithm_not_allowed: 'is signed with an algorithm this event does not allow',
  expired: 'has expired or is too old; sign in with the identity provider again',
  not_yet_valid: 'is not valid yet',
  wrong_issuer: 'comes from another issuer',
  wrong_audience: 'was issued for another site (audience)',
  missing_claim: 'lacks a claim the booking needs',
  wrong_nonce: 'was issued for another booking pass (nonce)',
};

/** Remote key sets: a stale or unknown key id refetches, at most every 30 s; a fetch gives up after 5 s. */
const REMOTE_OPTIONS = { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 };

function invalid(reason: AssertionFailure, detail = ''): AssertionCheck {
  return { ok: false, code: 'IDENTITY_INVALID', reason, message: `${reason}: the identity assertion ${FAILURE_TEXT[reason]}${detail}` };
}

function claimFailure(claim: string, reason: string): AssertionFailure {
  if (reason === 'missing') return 'missing_claim';
  if (claim === 'iss') return 'wrong_issuer';
  if (claim === 'aud') return 'wrong_audience';
  if (claim === 'nbf' || claim === 'iat') return 'not_yet_valid';
  return 'malformed';
}

/** jose's error, as a check; undefined when it is not a verdict on the token (the key source failed). */
function failureOf(error: unknown): AssertionCheck | undefined {
  if (error instanceof errors.JWTExpired) return invalid('expired');
  if (error instanceof errors.JWTClaimValidationFailed) return invalid(claimFailure(error.claim, error.reason), ` (${error.claim})`);
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('bad_signature');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return invalid('unknown_key');
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return invalid('algorithm_not_allowed');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JWKInvalid) return invalid('malformed');
  return undefined;
}

export class IdentityVerifier {
  /** One key source per identity block: a reloaded event config gets a fresh one. */
  private readonly keySets = new WeakMap<IdentityConfig, JWTVerifyGetKey>();

  private keysOf(identity: IdentityConfig): JWTVerifyGetKey {
    let keys = this.keySets.get(identity);
    if (!keys) {
      keys =
        identity.jwksUrl !== undefined ? createRemoteJWKSet(new URL(identity.jwksUrl), REMOTE_OPTIONS) : createLocalJWKSet(identity.jwks as { keys: never[] });
      this.keySets.set(identity, keys);
    }
    return keys;
  }

  async verify(identity: IdentityConfig, token: string, nonce: string, now: number): Promise<AssertionCheck> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keysOf(identity), {
        issuer: identity.issuer,
        audience: identity.audience,
        algorithms: [...identity.algorithms],
        clockTolerance: identity.clockToleranceSeconds,
        maxTokenAge: identity.maxAgeSeconds,
        currentDate: new Date(now),
        requiredClaims: ['exp', 'iat', 'jti', 'nonce', identity.personClaim],
      }));
    } catch (error) {
      const failure = failureOf(error);
      if (failure) return failure;
      if (identity.jwksUrl === undefined) return invalid('malformed');
      return { ok: false, code: 'IDENTITY_PROVIDER_UNAVAILABLE', message: "the identity provider's keys could not be fetched; nothing was booked; retry" };
    }
    if (payload.nonce !== nonce) return invalid('wrong_nonce');
    const person = payload[identity.personClaim];
    if (typeof person !== 'string' || person === '') return invalid('missing_claim', ` (${identity.personClaim})`);
    if (typeof payload.jti !== 'string' || payload.jti === '') return invalid('missing_claim', ' (jti)');
    return { ok: true, identity: { issuer: identity.issuer, person, jti: payload.jti, acceptedUntil: (payload.exp! + identity.clockToleranceSeconds) * 1000 } };
  }
}
