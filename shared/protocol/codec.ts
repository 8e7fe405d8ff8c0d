/**
 * The one codec for WebSocket frames, with zod (the server's side): msgpack
 * (wire.ts) checked by the schemas of messages.ts. The pages decode server
 * frames with lean-codec.ts instead, which gives the same answers without zod.
 */
import type { z } from 'zod';
import { ClientMessage, ServerMessage, CLIENT_MESSAGE_TYPES } from './messages.js';
import { ErrorCode } from './codes.js';
import { unpack, type Decoded } from './wire.js';

export { encode, type Decoded } from './wire.js';

function requestIdOf(raw: unknown): number | undefined {
  const rid = typeof raw === 'object' && raw !== null ? (raw as { rid?: unknown }).rid : undefined;
  return typeof rid === 'number' && Number.isInteger(rid) && rid >= 0 && rid <= 2 ** 31 ? rid : undefined;
}

function decodeWith<T>(schema: z.ZodType<T>, bytes: Uint8Array, knownTypes?: readonly string[]): Decoded<T> {
  const unpacked = unpack(bytes);
  if (!unpacked.ok) return unpacked;
  const raw = unpacked.raw;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const rid = requestIdOf(raw);
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (knownTypes && typeof type === 'string' && !knownTypes.includes(type)) {
    return { ok: false, code: ErrorCode.UNKNOWN_TYPE, message: `unknown message type "${type.slice(0, 32)}"`, rid };
  }
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'message';
  return { ok: false, code: ErrorCode.INVALID_MESSAGE, message: `${where}: ${issue?.message ?? 'invalid'}`, rid };
}

/** Decode a frame from a client; never throws. */
export function decodeClientMessage(bytes: Uint8Array): Decoded<ClientMessage> {
  return decodeWith(ClientMessage, bytes, CLIENT_MESSAGE_TYPES);
}

/** Decode a frame from the server; never throws. */
export function decodeServerMessage(bytes: Uint8Array): Decoded<ServerMessage> {
  return decodeWith(ServerMessage, bytes);
}
