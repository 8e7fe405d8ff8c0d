/**
 * The recovery code's text (shared/recovery/code.ts): every code made reads back as itself however it is typed
 * (case, hyphens, spaces, O/I/L), and the check symbol catches every single typo and every swap of two
 * different symbols. The sealed secret opens with its own code and event only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, CODE_LENGTH, codeFromValues, groupCode, newRecoveryCode, parseRecoveryCode } from '../../shared/recovery/code.js';
import { openSecret, recoveryId, sealSecret } from '../../shared/recovery/sealed-secret.js';
import { newClientSecret } from '../../shared/tokens/secret.js';

const values = fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 12, maxLength: 12 });
const codes = values.map(codeFromValues);

describe('recovery code', () => {
  it('is 13 symbols of Crockford base32, shown in groups of 4, 4 and 5', () => {
    const code = newRecoveryCode();
    expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`));
    expect(groupCode(code)).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{5}$/);
    expect(new Set(Array.from({ length: 50 }, newRecoveryCode)).size).toBe(50);
  });

  it('reads back as itself in any case, grouped or not, with O, I and L for 0 and 1', () => {
    fc.assert(
      fc.property(codes, fc.boolean(), fc.boolean(), (code, lower, grouped) => {
        let typed = grouped ? groupCode(code).replace(/-/g, ' - ') : code;
        typed = typed.replace(/0/g, 'O').replace(/1/g, lower ? 'l' : 'I');
        if (lower) typed = typed.toLowerCase();
        expect(parseRecoveryCode(` ${typed} `)).toEqual({ ok: true, code });
      }),
    );
  });

  it('catches every single wrong symbol', () => {
    fc.assert(
      fc.property(codes, fc.nat({ max: CODE_LENGTH - 1 }), fc.integer({ min: 1, max: 31 }), (code, at, shift) => {
        const wrong = CODE_ALPHABET[(CODE_ALPHABET.indexOf(code[at]!) + shift) % 32]!;
        const typed = code.slice(0, at) + wrong + code.slice(at + 1);
        expect(parseRecoveryCode(typed)).toEqual({ ok: false, problem: 'check' });
      }),
      { numRuns: 2000 },
    );
  });

  it('catches every swap of two different symbols, next to each other or apart, the check symbol too', () => {
    fc.assert(
      fc.property(codes, fc.nat({ max: CODE_LENGTH - 1 }), fc.nat({ max: CODE_LENGTH - 1 }), (code, i, j) => {
        fc.pre(code[i] !== code[j]);
        const symbols = [...code];
        [symbols[i], symbols[j]] = [symbols[j]!, symbols[i]!];
        expect(parseRecoveryCode(symbols.join(''))).toEqual({ ok: false, problem: 'check' });
      }),
      { numRuns: 2000 },
    );
  });

  it('matches the test vector of docs/protocol.md §6.5', async () => {
    const code = codeFromValues([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect([code, groupCode(code)]).toEqual(['0123456789ABY', '0123-4567-89ABY']);
    expect(await recoveryId('demo', code)).toBe('uhtKL2qlOvjJXjYc19UMA615QgsgFDGFrjsRJBKlgtM');
  });

  it('tells a wrong length and a character outside the alphabet apart from a wrong check', () => {
    const code = newRecoveryCode();
    expect(parseRecoveryCode(code.slice(1))).toEqual({ ok: false, problem: 'length' });
    expect(parseRecoveryCode(`${code}7`)).toEqual({ ok: false, problem: 'length' });
    expect(parseRecoveryCode(`U${code.slice(1)}`)).toEqual({ ok: false, problem: 'character' });
    expect(() => codeFromValues([1, 2, 3])).toThrow(RangeError);
  });
});

describe('sealed secret', () => {
  it('opens with its code and event only; the id depends on both', async () => {
    const secret = newClientSecret();
    const code = newRecoveryCode();
    const box = await sealSecret('vaccine', code, secret);
    expect(await openSecret('vaccine', code, box)).toBe(secret);
    expect(await openSecret('other', code, box)).toBeNull();
    expect(await openSecret('vaccine', newRecoveryCode(), box)).toBeNull();
    expect(await openSecret('vaccine', code, `${box.slice(0, -2)}AA`)).toBeNull();
    expect(await recoveryId('vaccine', code)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await recoveryId('vaccine', code)).not.toBe(await recoveryId('other', code));
    expect(await recoveryId('vaccine', code)).toBe(await recoveryId('vaccine', code));
  });
});
