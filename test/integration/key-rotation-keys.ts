/** Key sections for rotation tests: several generated key ids in one ring, one of them current. */
import { generateKeys } from '../../server/config/keys.js';

export type Keys = ReturnType<typeof generateKeys>;

/** The keys of every set given, signing with `current` (grants and tickets alike). */
export function keyRing(current: string, ...sets: Keys[]): Keys {
  return {
    grant: { current, privateKeys: Object.assign({}, ...sets.map((set) => set.grant.privateKeys)), publicKeys: {} },
    ticket: { current, secrets: Object.assign({}, ...sets.map((set) => set.ticket!.secrets)) },
  };
}

/** The key id a `wt1.` ticket or a grant (a compact JWS: in its protected header) names. */
export function kidOf(token: string): string {
  const parts = token.split('.');
  return parts.length === 3 ? (JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as { kid: string }).kid : parts[1]!;
}
