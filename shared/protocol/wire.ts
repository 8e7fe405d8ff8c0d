/**
 * The msgpack side of the one codec (codec.ts for the server, lean-codec.ts
 * for the browser): plain maps, no msgpackr record extensions so any msgpack
 * library can read them. No zod here, so the pages can import it.
 */
import { Packr } from 'msgpackr';
import { ErrorCode } from './codes.js';

const packr = new Packr({ useRecords: false, moreTypes: false, int64AsType: 'number', mapsAsObjects: true });

export function encode(message: unknown): Uint8Array {
  return packr.pack(message);
}

export type Decoded<T> =
  | { ok: true; message: T }
  /** `rid` is the request id of the rejected frame when one could be read, to echo in the error. */
  | { ok: false; code: ErrorCode; message: string; rid?: number };

export const NOT_MSGPACK = { ok: false, code: ErrorCode.INVALID_MESSAGE, message: 'frame is not valid msgpack' } as const;

/** The frame's value, or NOT_MSGPACK; never throws. */
export function unpack(bytes: Uint8Array): { ok: true; raw: unknown } | typeof NOT_MSGPACK {
  try {
    return { ok: true, raw: packr.unpack(bytes) as unknown };
  } catch {
    return NOT_MSGPACK;
  }
}
