/**
 * One person books once per event. Without an identity block a person is their
 * typed name, folded by the identity rule (person-name.ts) and reduced to its
 * confusables skeleton (name-skeleton.ts), and birth date; callers check the
 * name first (checkName). With one, a person is the claim
 * the identity provider signed (docs/decisions/010-identity-assertion.md).
 * Both are hashed, each under its own label, so the store never holds either.
 */
import { createHash } from 'node:crypto';
import { nameSkeleton } from './name-skeleton.js';
import { foldName } from './person-name.js';

function hashOf(label: string, ...parts: string[]): string {
  return createHash('sha256')
    .update([label, ...parts].join('\u0000'))
    .digest('base64url');
}

export function personKey(name: string, birthDate: string): string {
  return createHash('sha256')
    .update(`${nameSkeleton(foldName(name))}\u0000${birthDate}`)
    .digest('base64url');
}

/** The person an identity provider names: its issuer and the value of the event's person claim. */
export function verifiedPersonKey(issuer: string, person: string): string {
  return hashOf('verified-person', issuer, person);
}

/** The id under which an assertion's jti is consumed (unique per issuer). */
export function assertionId(issuer: string, jti: string): string {
  return hashOf('identity-assertion', issuer, jti);
}
