/**
 * base64url (RFC 4648 §5, no padding) with one spelling per value, and JSON in it: the
 * encoding of a grant's header, claims and signature. Browser-safe (btoa/atob only).
 */

const PART = /^[A-Za-z0-9_-]+$/;

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array | null {
  if (!PART.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    // One encoding per value: atob ignores a last character's unused bits, so without this several texts
    // would carry the same signature and a token could be altered without being refused.
    return toBase64Url(bytes) === text ? bytes : null;
  } catch {
    return null;
  }
}

export function encodePayload(claims: object): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(claims)));
}

/** The JSON of a base64url part, or null when it is not base64url UTF-8 JSON. */
export function decodePayload(payload: string): unknown {
  const bytes = fromBase64Url(payload);
  if (!bytes) return null;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
}
