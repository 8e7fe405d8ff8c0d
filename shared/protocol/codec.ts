/**
 * The one codec for WebSocket frames: msgpack (binary frames), plain maps,
 * no msgpackr record extensions so any msgpack library can read them.
 */
import { Packr } from 'msgpackr';
import type { z } from 'zod';
import { ClientMessage, ServerMessage, CLIENT_MESSAGE_TYPES } from './messages.js';
import { ErrorCode } from './codes.js';

const packr = new Packr({ useRecords: false, moreTypes: false, int64AsType: 'number', mapsAsObjects: true });

export function encode(message: unknown): Uint8Array {
  return packr.pack(message);
}

export type Decoded<T> =
  | { ok: true; message: T }
  /** `rid` is the request id of the rejected frame when one could be read, to echo in the error. */
  | { ok: false; code: ErrorCode; message: string; rid?: number };

function requestIdOf(raw: unknown): number | undefined {
  const rid = typeof raw === 'object' && raw !== null ? (raw as { rid?: unknown }).rid : undefined;
  return typeof rid === 'number' && Number.isInteger(rid) && rid >= 0 && rid <= 2 ** 31 ? rid : undefined;
}

function decodeWith<T>(schema: z.ZodType<T>, bytes: Uint8Array, knownTypes?: readonly string[]): Decoded<T> {
  let raw: unknown;
  try {
    raw = packr.unpack(bytes);
  } catch {
    return { ok: false, code: ErrorCode.INVALID_MESSAGE, message: 'frame is not valid msgpack' };
  }
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
