/**
 * The browser's MessagePack (shared/protocol/msgpack-lite.ts) against
 * msgpackr as the server configures it (shared/protocol/wire.ts), on
 * generated JSON-like values with the edge numbers and string lengths of
 * each format: what msgpackr writes, msgpack-lite reads as msgpackr does;
 * what msgpack-lite writes, msgpackr reads back as the value written.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { packLite, unpackLite } from '../../shared/protocol/msgpack-lite.js';
import { encode, unpack } from '../../shared/protocol/wire.js';

const SEED = 16_05_2027;
const EDGE_NUMBERS = [
  0,
  -0,
  1,
  127,
  128,
  -1,
  -32,
  -33,
  -128,
  -129,
  255,
  256,
  65535,
  65536,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 53,
  -(2 ** 53),
  0.1,
  1.5,
  -2.5e-300,
  1e300,
  Infinity,
  -Infinity,
  NaN,
];
const EDGE_STRINGS = [0, 1, 31, 32, 255, 256, 65535, 65536].map((n) => 'x'.repeat(n)).concat(['한국어', '😀', '__proto__']);

const leaf = fc.oneof(
  fc.constantFrom(...EDGE_NUMBERS, ...EDGE_STRINGS, null, true, false, undefined),
  fc.double(),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  fc.string({ unit: 'binary' }),
  fc.uint8Array({ maxLength: 300 }),
);
const value = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('any'), { maxLength: 20 }), fc.dictionary(fc.string(), tie('any'), { maxKeys: 20 })),
})).any;

it('reads what msgpackr writes, as msgpackr reads it', () => {
  fc.assert(
    fc.property(value, (v) => {
      const bytes = encode(v);
      const byMsgpackr = unpack(bytes);
      expect(byMsgpackr.ok).toBe(true);
      expect(unpackLite(bytes)).toStrictEqual(byMsgpackr.ok ? byMsgpackr.raw : null);
    }),
    { seed: SEED, numRuns: 4_000 },
  );
});

it('writes what msgpackr reads back as the value written', () => {
  fc.assert(
    fc.property(value, (v) => {
      // Both as Buffers: msgpackr hands binary back in the kind of array it read from.
      const written = unpack(Buffer.from(packLite(v)));
      const expected = unpack(encode(v));
      expect(written.ok && expected.ok).toBe(true);
      expect(written.ok ? written.raw : null).toStrictEqual(expected.ok ? expected.raw : null);
    }),
    { seed: SEED, numRuns: 4_000 },
  );
});

it('refuses truncated input, trailing bytes and unknown extensions', () => {
  const bytes = encode({ type: 'tick', e: 'ev', l: [1, 2, 3] });
  for (let cut = 0; cut < bytes.length; cut++) expect(() => unpackLite(bytes.subarray(0, cut))).toThrow();
  expect(() => unpackLite(Uint8Array.of(0x01, 0x02))).toThrow();
  expect(() => unpackLite(Uint8Array.of(0xd4, 0x05, 0x00))).toThrow();
  expect(() => unpackLite(Uint8Array.of(0xc1))).toThrow();
});
