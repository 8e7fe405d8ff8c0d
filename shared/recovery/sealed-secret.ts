/**
 * What a recovery code unlocks (docs/decisions/030-recovery-code.md). The device that shows the code hands the
 * gateway only `id` (where to find the entry) and `box` (the ticket's secret sealed with AES-256-GCM under a key
 * derived from the code): the store never holds the code, the secret or anything that opens the box. Both are
 * SHA-256 of the code under labels of their own, bound to the event. Browser-safe (WebCrypto).
 */
import { fromBase64Url, toBase64Url } from '../tokens/format.js';

const ID_LABEL = 'waitroom/recovery-id/v1\n';
const KEY_LABEL = 'waitroom/recovery-key/v1\n';
const IV_BYTES = 12;

function digest(label: string, eventId: string, code: string): Promise<ArrayBuffer> {
  return globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${label}${eventId}\n${code}`));
}

/** The entry's name in the store: base64url SHA-256 (43 characters). `code`: canonical (parseRecoveryCode). */
export async function recoveryId(eventId: string, code: string): Promise<string> {
  return toBase64Url(new Uint8Array(await digest(ID_LABEL, eventId, code)));
}

async function boxKey(eventId: string, code: string, use: KeyUsage): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('raw', await digest(KEY_LABEL, eventId, code), 'AES-GCM', false, [use]);
}

function additionalData(eventId: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`waitroom/recovery-box/v1\n${eventId}`);
}

/** base64url of a random IV followed by the sealed secret and its tag. */
export async function sealSecret(eventId: string, code: string, secret: string): Promise<string> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: additionalData(eventId) },
    await boxKey(eventId, code, 'encrypt'),
    new TextEncoder().encode(secret),
  );
  const box = new Uint8Array(IV_BYTES + sealed.byteLength);
  box.set(iv);
  box.set(new Uint8Array(sealed), IV_BYTES);
  return toBase64Url(box);
}

/** The secret in `box`, or null when the box was not sealed with this code for this event (or was altered). */
export async function openSecret(eventId: string, code: string, box: string): Promise<string | null> {
  const bytes = fromBase64Url(box);
  if (!bytes || bytes.length <= IV_BYTES) return null;
  try {
    const opened = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(bytes.slice(0, IV_BYTES)), additionalData: additionalData(eventId) },
      await boxKey(eventId, code, 'decrypt'),
      new Uint8Array(bytes.slice(IV_BYTES)),
    );
    return new TextDecoder().decode(opened);
  } catch {
    return null;
  }
}
