/**
 * The MessagePack the protocol speaks, for the browser in a few hundred bytes
 * instead of msgpackr's tens of kilobytes (issue 16 §5): nil, booleans,
 * integers, floats, strings, binary, arrays and maps with string keys, plus
 * msgpackr's `undefined` (fixext 1, type 0). Reads what wire.ts's msgpackr
 * writes and decodes to the same values (a `__proto__` key becomes
 * `__proto_`, as msgpackr does); writes what msgpackr reads back unchanged.
 * test/property/msgpack-lite.property.test.ts checks both against msgpackr.
 * Anything else (other extensions, truncated input) throws.
 */

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

export function unpackLite(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const take = (n: number): number => {
    if (at + n > bytes.length) throw new RangeError('truncated msgpack');
    const start = at;
    at += n;
    return start;
  };
  const text = (n: number): string => {
    const start = take(n);
    return utf8Decoder.decode(bytes.subarray(start, start + n));
  };
  const array = (n: number): unknown[] => Array.from({ length: n }, () => read());
  const map = (n: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let k = 0; k < n; k++) {
      const key = String(read());
      out[key === '__proto__' ? '__proto_' : key] = read();
    }
    return out;
  };
  const read = (): unknown => {
    const byte = bytes[take(1)]!;
    if (byte < 0x80) return byte;
    if (byte < 0x90) return map(byte & 0x0f);
    if (byte < 0xa0) return array(byte & 0x0f);
    if (byte < 0xc0) return text(byte & 0x1f);
    if (byte >= 0xe0) return byte - 0x100;
    switch (byte) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return binary(view.getUint8(take(1)));
      case 0xc5:
        return binary(view.getUint16(take(2)));
      case 0xc6:
        return binary(view.getUint32(take(4)));
      case 0xca:
        return view.getFloat32(take(4));
      case 0xcb:
        return view.getFloat64(take(8));
      case 0xcc:
        return view.getUint8(take(1));
      case 0xcd:
        return view.getUint16(take(2));
      case 0xce:
        return view.getUint32(take(4));
      case 0xcf:
        return Number(view.getBigUint64(take(8)));
      case 0xd0:
        return view.getInt8(take(1));
      case 0xd1:
        return view.getInt16(take(2));
      case 0xd2:
        return view.getInt32(take(4));
      case 0xd3:
        return Number(view.getBigInt64(take(8)));
      case 0xd4:
        if (view.getUint16(take(2)) === 0) return undefined;
        break;
      case 0xd9:
        return text(view.getUint8(take(1)));
      case 0xda:
        return text(view.getUint16(take(2)));
      case 0xdb:
        return text(view.getUint32(take(4)));
      case 0xdc:
        return array(view.getUint16(take(2)));
      case 0xdd:
        return array(view.getUint32(take(4)));
      case 0xde:
        return map(view.getUint16(take(2)));
      case 0xdf:
        return map(view.getUint32(take(4)));
    }
    throw new TypeError(`unsupported msgpack byte 0x${byte.toString(16)}`);
  };
  const binary = (n: number): Uint8Array => {
    const start = take(n);
    return bytes.slice(start, start + n);
  };
  const value = read();
  if (at !== bytes.length) throw new RangeError('bytes after the msgpack value');
  return value;
}

/** Writes `value` (nil, booleans, numbers, strings, binary, arrays, plain objects, undefined); throws on anything else. */
export function packLite(value: unknown): Uint8Array {
  const out: number[] = [];
  const scratch = new DataView(new ArrayBuffer(8));
  const put = (bytes: number): void => {
    for (let k = 0; k < bytes; k++) out.push(scratch.getUint8(k));
  };
  const head = (small: number, smallLimit: number, codes: readonly [number, number, number], n: number): void => {
    if (n < smallLimit) out.push(small | n);
    else if (n < 0x100 && codes[0] !== 0) out.push(codes[0], n);
    else if (n < 0x10000) (out.push(codes[1]), scratch.setUint16(0, n), put(2));
    else (out.push(codes[2]), scratch.setUint32(0, n), put(4));
  };
  const write = (v: unknown): void => {
    if (v === null) out.push(0xc0);
    else if (v === undefined) out.push(0xd4, 0, 0);
    else if (v === false || v === true) out.push(v ? 0xc3 : 0xc2);
    else if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= 0 && v < 0x80) out.push(v);
      else if (Number.isInteger(v) && v < 0 && v >= -32) out.push(v + 0x100);
      else if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) (out.push(0xce), scratch.setUint32(0, v), put(4));
      else if (Number.isInteger(v) && v < 0 && v >= -0x80000000) (out.push(0xd2), scratch.setInt32(0, v), put(4));
      else (out.push(0xcb), scratch.setFloat64(0, v), put(8));
    } else if (typeof v === 'string') {
      const bytes = utf8Encoder.encode(v);
      head(0xa0, 32, [0xd9, 0xda, 0xdb], bytes.length);
      for (const byte of bytes) out.push(byte);
    } else if (v instanceof Uint8Array) {
      head(0, 0, [0xc4, 0xc5, 0xc6], v.length);
      for (const byte of v) out.push(byte);
    } else if (Array.isArray(v)) {
      head(0x90, 16, [0, 0xdc, 0xdd], v.length);
      for (const item of v) write(item);
    } else if (typeof v === 'object') {
      const entries = Object.entries(v);
      head(0x80, 16, [0, 0xde, 0xdf], entries.length);
      for (const [key, item] of entries) (write(key), write(item));
    } else throw new TypeError(`cannot write a ${typeof v} as msgpack`);
  };
  write(value);
  return Uint8Array.from(out);
}
