/**
 * The identity rule (docs/decisions/009-identity-rule.md): a name with
 * invisible characters inserted anywhere is the same person, and a name with a
 * Cyrillic look-alike inside a Latin name is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { personKey } from '../../server/reservations/person-key.js';
import { checkName } from '../../server/reservations/person-name.js';

const INVISIBLES = ['\u200B', '\u200C', '\u200D', '\u2060', '\u00AD', '\u034F', '\u180E', '\u200E', '\u3164', '\u115F', '\u1160', '\uFFA0', '\uFEFF', '\uFE0F'];
const LOOK_ALIKES: Record<string, string> = { a: '\u0430', e: '\u0435', o: '\u043E', p: '\u0440', c: '\u0441', x: '\u0445' };
const names = fc.constantFrom('Kim Minsu', '김민수', '金民秀', 'José Park', 'Ōtani', '山田 たろう', 'Karl Oppe');

function insertAt(text: string, positions: number[], chars: string[]): string {
  const points = [...text];
  positions.forEach((at, i) => points.splice(at % (points.length + 1), 0, chars[i % chars.length]!));
  return points.join('');
}

describe('person key under inserted invisible characters', () => {
  it('every variant is the same person', () => {
    fc.assert(
      fc.property(names, fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.array(fc.constantFrom(...INVISIBLES), { minLength: 1, maxLength: 6 }), (name, at, chars) => {
        const variant = insertAt(name, at, chars);
        expect(checkName(variant).ok).toBe(true);
        expect(personKey(variant, '1970-05-17')).toBe(personKey(name, '1970-05-17'));
      }),
    );
  });

  it('a Cyrillic look-alike in a Latin name is refused', () => {
    fc.assert(
      fc.property(fc.constantFrom('Karl Oppe', 'Alex Cooper', 'Peter Pax'), fc.nat(), (name, pick) => {
        const letters = [...name].map((c, i) => [c, i] as const).filter(([c]) => c in LOOK_ALIKES);
        const [letter, index] = letters[pick % letters.length]!;
        const variant = [...name].map((c, i) => (i === index ? LOOK_ALIKES[letter]! : c)).join('');
        expect(checkName(variant)).toMatchObject({ ok: false, reason: 'mixed_scripts' });
      }),
    );
  });
});
