/** Turns configured key texts into key objects, for the role that needs them. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import webpush from 'web-push';
import type { GrantKeyLookup, GrantPublicKeys, GrantSigningKey } from '../../shared/tokens/grant.js';
import type { TicketKeyRing } from '../../shared/tokens/ticket.js';
import { remoteGrantKeys } from './jwks.js';
import { ConfigError } from './load.js';
import type { WaitroomConfig } from './schema.js';

type Keys = WaitroomConfig['keys'];

export function keyText(value: string): string {
  return value.startsWith('file:') ? readFileSync(value.slice(5), 'utf8') : value;
}

function parseKey(path: string, make: () => KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = make();
  } catch (error) {
    throw new ConfigError([`${path}: not a usable key: ${(error as Error).message}`]);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError([`${path}: must be an Ed25519 key`]);
  return key;
}

/** The key gateways sign grants with. */
export function grantSigningKey(keys: Keys): GrantSigningKey {
  const { current, privateKeys } = keys.grant;
  const text = privateKeys[current];
  const path = `keys.grant.privateKeys.${current}`;
  if (!text) throw new ConfigError([`${path}: a gateway needs the private key of the current grant key id`]);
  return { kid: current, privateKey: parseKey(path, () => createPrivateKey(keyText(text))) };
}

/** The keys the reservation handler accepts grants from: a JWKS URL, else the configured keys (grantPublicKeys). */
export function grantVerifyingKeys(keys: Keys): GrantPublicKeys | GrantKeyLookup {
  return keys.grant.jwksUrl !== undefined ? remoteGrantKeys(keys.grant.jwksUrl) : grantPublicKeys(keys);
}

/** Configured public keys, and those of the private keys: what a gateway publishes, what a reservation handler without a JWKS URL accepts. */
export function grantPublicKeys(keys: Keys): GrantPublicKeys {
  const result = new Map<string, KeyObject>();
  for (const [kid, text] of Object.entries(keys.grant.privateKeys)) {
    result.set(
      kid,
      parseKey(`keys.grant.privateKeys.${kid}`, () => createPublicKey(createPrivateKey(keyText(text)))),
    );
  }
  for (const [kid, text] of Object.entries(keys.grant.publicKeys)) {
    result.set(
      kid,
      parseKey(`keys.grant.publicKeys.${kid}`, () => createPublicKey(keyText(text))),
    );
  }
  if (result.size === 0) throw new ConfigError(['keys.grant.publicKeys: the reservation handler needs at least one public key']);
  return result;
}

export function ticketKeyRing(keys: Keys): TicketKeyRing {
  if (!keys.ticket) throw new ConfigError(['keys.ticket: a gateway needs the ticket HMAC secrets']);
  if (!(keys.ticket.current in keys.ticket.secrets)) throw new ConfigError([`keys.ticket.current: no secret for the current key id "${keys.ticket.current}"`]);
  const ring = new Map<string, Uint8Array>();
  for (const [kid, text] of Object.entries(keys.ticket.secrets)) {
    const secret = Buffer.from(keyText(text), 'base64');
    if (secret.length < 32) throw new ConfigError([`keys.ticket.secrets.${kid}: needs at least 32 bytes (base64)`]);
    ring.set(kid, secret);
  }
  return { current: keys.ticket.current, keys: ring };
}

/** Fresh keys for the demo and tests: valid for this process only. */
export function generateKeys(kid = 'demo'): Keys {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    grant: { current: kid, privateKeys: { [kid]: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }, publicKeys: {} },
    ticket: { current: kid, secrets: { [kid]: randomBytes(32).toString('base64') } },
    vapid: { ...webpush.generateVAPIDKeys(), subject: 'mailto:operators@example.org' },
  };
}
