/**
 * Whether a new `keys` section may replace the live one without stranding
 * anyone's token. Rotation is: add the new key everywhere (not current) →
 * make it current → wait until the old key's tokens have expired → remove it
 * (docs/operations.md, "Rotating keys"). A key id keeps its key for life.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { keyText } from './keys.js';
import type { WaitroomConfig } from './schema.js';

type Keys = WaitroomConfig['keys'];
export type KeyKind = 'grant' | 'ticket';

/** What identifies a key id's key: the SHA-256 of its public key (grants) or of its secret (tickets). */
export type KeyFingerprints = Record<KeyKind, ReadonlyMap<string, string>>;

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64url');
}

/** Fingerprints of every configured key id. Call only with keys that already parsed (keySetFor). */
export function fingerprints(keys: Keys): KeyFingerprints {
  const grant = new Map<string, string>();
  for (const [kid, text] of Object.entries(keys.grant.privateKeys)) {
    grant.set(kid, sha256(createPublicKey(createPrivateKey(keyText(text))).export({ type: 'spki', format: 'der' })));
  }
  for (const [kid, text] of Object.entries(keys.grant.publicKeys)) {
    grant.set(kid, sha256(createPublicKey(keyText(text)).export({ type: 'spki', format: 'der' })));
  }
  const ticket = new Map<string, string>();
  for (const [kid, text] of Object.entries(keys.ticket?.secrets ?? {})) ticket.set(kid, sha256(Buffer.from(keyText(text), 'base64')));
  return { grant, ticket };
}

export function currentKid(keys: Keys, kind: KeyKind): string | undefined {
  return kind === 'grant' ? keys.grant.current : keys.ticket?.current;
}

export interface RotationCheck {
  /** Reasons to refuse the change: applying it would make live tokens fail. */
  problems: string[];
  /** Things the operator should make sure of; the change applies. */
  warnings: string[];
}

export interface RotationInput {
  before: Keys;
  after: Keys;
  beforePrints: KeyFingerprints;
  afterPrints: KeyFingerprints;
  /** When each key id stopped being current in this process (absent: it never was since start; Infinity: it still is). */
  retiredAt: Record<KeyKind, ReadonlyMap<string, number>>;
  /** The longest lifetime of a token of each kind under the live events, ms. */
  lifetimeMs: Record<KeyKind, number>;
  now: number;
}

const TOKENS: Record<KeyKind, string> = { grant: 'grants', ticket: 'tickets' };

function section(kind: KeyKind): string {
  return kind === 'grant' ? 'keys.grant' : 'keys.ticket';
}

function when(ms: number): string {
  return new Date(ms).toISOString();
}

export function checkRotation(input: RotationInput): RotationCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const kind of ['grant', 'ticket'] as const) {
    const before = input.beforePrints[kind];
    const after = input.afterPrints[kind];
    for (const [kid, print] of after) {
      const old = before.get(kid);
      if (old !== undefined && old !== print) {
        problems.push(`${section(kind)}: key id "${kid}" now has another key; ${TOKENS[kind]} signed with the old one would fail. Give a new key a new id.`);
      }
    }
    for (const kid of before.keys()) {
      if (after.has(kid)) continue;
      const retired = input.retiredAt[kind].get(kid);
      if (retired === undefined) {
        warnings.push(
          `${section(kind)}: key id "${kid}" is removed; it was not current in this process since it started: make sure its ${TOKENS[kind]} have expired (they live up to ${input.lifetimeMs[kind] / 1000} s)`,
        );
        continue;
      }
      const safeAt = retired + input.lifetimeMs[kind];
      if (safeAt > input.now) {
        const since = retired === Infinity ? 'is current until this change' : `stopped being current at ${when(retired)}`;
        problems.push(
          `${section(kind)}: key id "${kid}" is still needed: it ${since}, and its ${TOKENS[kind]} live up to ${input.lifetimeMs[kind] / 1000} s${retired === Infinity ? '' : `; remove it after ${when(safeAt)}`}. (A restart drops it at once, and its ${TOKENS[kind]} stop working.)`,
        );
      }
    }
    const next = currentKid(input.after, kind);
    if (next !== undefined && next !== currentKid(input.before, kind) && !before.has(next)) {
      warnings.push(
        `${section(kind)}: the new current key id "${next}" was not configured before; every process that checks ${TOKENS[kind]} must know it before any process signs with it`,
      );
    }
  }
  return { problems, warnings };
}

export function samePrints(a: KeyFingerprints, b: KeyFingerprints): boolean {
  return (['grant', 'ticket'] as const).every((kind) => a[kind].size === b[kind].size && [...a[kind]].every(([kid, print]) => b[kind].get(kid) === print));
}
