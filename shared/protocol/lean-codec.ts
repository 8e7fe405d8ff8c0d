/**
 * The browser's side of the one codec (issue 16 §5): frames read and written
 * with msgpack-lite.ts instead of msgpackr, server frames checked against the
 * JSON Schema zod derives from `ServerMessage` (shared/lean/) instead of zod.
 * For every frame it accepts and refuses what codec.ts's decodeServerMessage
 * does, with the same result (test/property/lean-check.property.test.ts);
 * only the refusal's wording is shorter. The server keeps zod and msgpackr.
 */
import { check } from '../lean/check.js';
import { SERVER_MESSAGE } from '../lean/schemas.generated.js';
import { ErrorCode } from './codes.js';
import type { ClientMessage, ServerMessage } from './messages.js';
import { packLite, unpackLite } from './msgpack-lite.js';
import type { Decoded } from './wire.js';

export function encode(message: ClientMessage): Uint8Array {
  return packLite(message);
}

/** Decode a frame from the server; never throws. */
export function decodeServerMessage(bytes: Uint8Array): Decoded<ServerMessage> {
  let raw: unknown;
  try {
    raw = unpackLite(bytes);
  } catch {
    return { ok: false, code: ErrorCode.INVALID_MESSAGE, message: 'frame is not valid msgpack' };
  }
  const checked = check<ServerMessage>(SERVER_MESSAGE, raw);
  return checked.ok ? { ok: true, message: checked.value } : { ok: false, code: ErrorCode.INVALID_MESSAGE, message: `${checked.path}: invalid` };
}
