/**
 * The recovery code's text (docs/decisions/030-recovery-code.md): 12 random symbols of Crockford's base32
 * (60 bits) and one check symbol, shown as `XXXX-XXXX-XXXXX`. Typing is forgiving the way Crockford's is:
 * any case, hyphens and spaces anywhere, O read as 0, I and L as 1.
 *
 * The check symbol makes the weighted sum of all 13 symbols zero in GF(32), the weight of each position a
 * distinct power of a primitive element. Changing one symbol adds `e·w ≠ 0`; swapping two different symbols
 * (next to each other or not) adds `(a−b)·(wᵢ−wⱼ) ≠ 0`: every single typo and every swap is caught.
 */

/** Crockford's base32: no I, L, O or U. */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Random symbols in a code: 60 bits. */
export const CODE_DATA_LENGTH = 12;
export const CODE_LENGTH = CODE_DATA_LENGTH + 1;
const GROUPS = [4, 4, 5];

/** x⁵ + x² + 1: primitive, so the powers of 2 run through all 31 non-zero elements of GF(32). */
const FIELD_POLYNOMIAL = 0b100101;

function multiply(a: number, b: number): number {
  let product = 0;
  for (let x = a, y = b; y > 0; y >>= 1) {
    if (y & 1) product ^= x;
    x <<= 1;
    if (x & 0b100000) x ^= FIELD_POLYNOMIAL;
  }
  return product;
}

/** Position i's weight: 2^(i+1) for the data symbols; the check symbol (last) weighs 1 = 2^0. */
const WEIGHTS = Array.from({ length: CODE_DATA_LENGTH }, (_, i) => {
  let weight = 1;
  for (let k = 0; k <= i; k++) weight = multiply(weight, 2);
  return weight;
});

/** The check symbol's value for these data symbol values. */
function checkValue(values: readonly number[]): number {
  return values.reduce((sum, value, i) => sum ^ multiply(value, WEIGHTS[i]!), 0);
}

/** A code from 12 symbol values (0..31 each): the random part comes from the caller (newRecoveryCode). */
export function codeFromValues(values: readonly number[]): string {
  if (values.length !== CODE_DATA_LENGTH || values.some((v) => !Number.isInteger(v) || v < 0 || v > 31)) {
    throw new RangeError(`a recovery code takes ${CODE_DATA_LENGTH} values 0..31`);
  }
  return [...values, checkValue(values)].map((v) => CODE_ALPHABET[v]).join('');
}

/** A new code from the platform's random source (browsers and Node). */
export function newRecoveryCode(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(CODE_DATA_LENGTH));
  return codeFromValues([...bytes].map((b) => b & 31));
}

/** `ABCD-EFGH-JKMNP`: the code as shown. */
export function groupCode(code: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of GROUPS) parts.push(code.slice(at, (at += size)));
  return parts.join('-');
}

export type CodeProblem = 'length' | 'character' | 'check';
export type ParsedCode = { ok: true; code: string } | { ok: false; problem: CodeProblem };

const READ_AS: Record<string, string> = { O: '0', I: '1', L: '1' };

/** What a person typed, as the canonical 13-symbol code, or what is wrong with it. */
export function parseRecoveryCode(typed: string): ParsedCode {
  const symbols = typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[OIL]/g, (c) => READ_AS[c]!);
  if (symbols.length !== CODE_LENGTH) return { ok: false, problem: 'length' };
  const values = [...symbols].map((c) => CODE_ALPHABET.indexOf(c));
  if (values.some((v) => v < 0)) return { ok: false, problem: 'character' };
  if (checkValue(values.slice(0, CODE_DATA_LENGTH)) !== values[CODE_DATA_LENGTH]) return { ok: false, problem: 'check' };
  return { ok: true, code: symbols };
}
