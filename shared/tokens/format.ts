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

// base64url and JSON in it: one implementation, shared with the grants of packages/grant.
export { decodePayload, encodePayload, fromBase64Url, toBase64Url } from '../../packages/grant/src/base64url.js';
