/**
 * The keys a process signs and verifies with, replaceable while it runs
 * (SIGHUP re-reads them from the config file: server/main/system.ts). Private
 * keys stay in each process's own config; they are never shared through the store.
 */
import type { GrantKeyLookup, GrantPublicKeys, GrantSigningKey } from '../../shared/tokens/grant.js';
import type { TicketKeyRing } from '../../shared/tokens/ticket.js';
import type { Clock } from '../clock.js';
import type { EventConfig } from './event-schema.js';
import { checkRotation, currentKid, fingerprints, samePrints, type KeyFingerprints, type KeyKind } from './key-rotation.js';
import { grantPublicKeys, grantSigningKey, grantVerifyingKeys, ticketKeyRing } from './keys.js';
import { ConfigError } from './load.js';
import { KeysConfig, type WaitroomConfig } from './schema.js';

type Keys = WaitroomConfig['keys'];

/** What a process does with keys: gateways sign tickets and grants, reservation handlers verify grants. */
export interface KeyRoles {
  gateway: boolean;
  reservations: boolean;
}

export interface KeySet {
  ticket: TicketKeyRing | null;
  signing: GrantSigningKey | null;
  /** What a gateway publishes at /.well-known/jwks.json. */
  published: GrantPublicKeys | null;
  verifying: GrantPublicKeys | GrantKeyLookup | null;
}

export function keySetFor(keys: Keys, roles: KeyRoles): KeySet {
  return {
    ticket: roles.gateway ? ticketKeyRing(keys) : null,
    signing: roles.gateway ? grantSigningKey(keys) : null,
    published: roles.gateway ? grantPublicKeys(keys) : null,
    verifying: roles.reservations ? grantVerifyingKeys(keys) : null,
  };
}

export type KeyReload =
  { result: 'applied'; warnings: string[]; current: Record<KeyKind, string | undefined> } | { result: 'unchanged' } | { result: 'refused'; problems: string[] };

export interface LiveKeysOptions {
  keys: Keys;
  roles: KeyRoles;
  clock: Clock;
  /** The live events: their longest ticket and grant lifetimes say how long a retired key is still needed. */
  events: () => readonly EventConfig[];
}

export class LiveKeys {
  private keys: Keys;
  private prints: KeyFingerprints;
  private set: KeySet;
  private readonly retiredAt: Record<KeyKind, Map<string, number>> = { grant: new Map(), ticket: new Map() };
  private readonly listeners: Array<(set: KeySet) => void> = [];

  constructor(private readonly options: LiveKeysOptions) {
    this.keys = options.keys;
    this.set = keySetFor(options.keys, options.roles);
    this.prints = fingerprints(options.keys);
    this.markCurrent(options.keys);
  }

  get current(): KeySet {
    return this.set;
  }

  /** `apply` gets the key set now and after every applied reload. */
  follow(apply: (set: KeySet) => void): void {
    this.listeners.push(apply);
    apply(this.set);
  }

  /** Validates `input` (a `keys` section), checks it strands no live token, then switches to it. */
  reload(input: unknown): KeyReload {
    const parsed = KeysConfig.safeParse(input);
    if (!parsed.success) return { result: 'refused', problems: parsed.error.issues.map((issue) => `keys.${issue.path.join('.')}: ${issue.message}`) };
    const keys = parsed.data;
    let set: KeySet;
    let prints: KeyFingerprints;
    try {
      set = keySetFor(keys, this.options.roles);
      prints = fingerprints(keys);
    } catch (error) {
      return { result: 'refused', problems: error instanceof ConfigError ? error.problems : [`keys: ${(error as Error).message}`] };
    }
    const sameCurrent = (['grant', 'ticket'] as const).every((kind) => currentKid(keys, kind) === currentKid(this.keys, kind));
    // A handler on a JWKS URL has no key files: its URL is the whole of its grant keys.
    const sameSource = keys.grant.jwksUrl === this.keys.grant.jwksUrl;
    if (sameCurrent && sameSource && samePrints(prints, this.prints)) return { result: 'unchanged' };
    const now = this.options.clock.now();
    const check = checkRotation({
      before: this.keys,
      after: keys,
      beforePrints: this.prints,
      afterPrints: prints,
      retiredAt: this.retiredAt,
      lifetimeMs: this.lifetimes(),
      now,
    });
    if (check.problems.length > 0) return { result: 'refused', problems: check.problems };
    for (const kind of ['grant', 'ticket'] as const) {
      const previous = currentKid(this.keys, kind);
      if (previous !== undefined && previous !== currentKid(keys, kind)) this.retiredAt[kind].set(previous, now);
    }
    this.keys = keys;
    this.prints = prints;
    this.set = set;
    this.markCurrent(keys);
    for (const apply of this.listeners) apply(set);
    return { result: 'applied', warnings: check.warnings, current: { grant: currentKid(keys, 'grant'), ticket: currentKid(keys, 'ticket') } };
  }

  private markCurrent(keys: Keys): void {
    for (const kind of ['grant', 'ticket'] as const) {
      const kid = currentKid(keys, kind);
      if (kid !== undefined) this.retiredAt[kind].set(kid, Infinity);
    }
  }

  private lifetimes(): Record<KeyKind, number> {
    const events = this.options.events();
    return {
      grant: Math.max(0, ...events.map((event) => event.grantTtlSeconds * 1000)),
      ticket: Math.max(0, ...events.map((event) => event.ticketTtlSeconds * 1000)),
    };
  }
}
