/**
 * The token envelope shared by tickets and grants:
 *
 *     <prefix>.<kid>.<payload>.<signature>
 *
 * `payload` is base64url(JSON claims); `signature` is base64url of the MAC or
 * signature over the ASCII bytes of `<prefix>.<kid>.<payload>`. Browser-safe:
 * reading claims needs no key; verifying them is server-side (see grant.ts,
 * ticket.ts). Format choice: docs/decisions/003-token-formats.md.
 */

export interface TokenParts {
  prefix: string;
  kid: string;
  payload: string;
  signature: string;
  /** The exact text that was signed. */
  signed: string;
}

const PART = /^[A-Za-z0-9_-]+$/;

export function splitToken(token: string, prefix: string): TokenParts | null {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== prefix) return null;
  const [, kid, payload, signature] = parts as [string, string, string, string];
  if (!PART.test(kid) || !PART.test(payload) || !PART.test(signature)) return null;
  return { prefix, kid, payload, signature, signed: `${prefix}.${kid}.${payload}` };
}

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

/** The JSON claims of a token payload, or null when it is not base64url JSON. */
export function decodePayload(payload: string): unknown {
  const bytes = fromBase64Url(payload);
  if (!bytes) return null;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
}
