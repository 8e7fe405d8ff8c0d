/**
 * The identity rule (docs/decisions/009-identity-rule.md): a name with
 * invisible characters inserted anywhere is the same person, and a name with a
 * Cyrillic look-alike inside a Latin name is refused; a name written wholly in
 * Cyrillic or Greek capitals that confusables.txt says look Latin is the same
 * person as its Latin twin, and real names and Hangul stay apart.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import confusables from 'unhomoglyph/data.json' with { type: 'json' };
import { skeleton } from '../../server/reservations/name-skeleton.js';
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
      fc.property(
        names,
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom(...INVISIBLES), { minLength: 1, maxLength: 6 }),
        (name, at, chars) => {
          const variant = insertAt(name, at, chars);
          expect(checkName(variant).ok).toBe(true);
          expect(personKey(variant, '1970-05-17')).toBe(personKey(name, '1970-05-17'));
        },
      ),
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

/**
 * From the data: each Cyrillic or Greek capital whose prototype is one ASCII
 * letter, with its Latin twin (the ASCII capital of the same skeleton: "І" → "I").
 * A capital that NFKC (step 1 of the fold) turns into another letter is left
 * out: the only one is Greek "Ϲ" (lunate sigma), which NFKC makes "Σ" (decision 009).
 */
function capitalLookAlikes(script: 'Cyrillic' | 'Greek'): [latin: string, twin: string][] {
  const ofScript = new RegExp(`^\\p{Script=${script}}$`, 'u');
  const capitals = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
  return Object.entries(confusables as Record<string, string>).flatMap(([source, prototype]) => {
    if (!ofScript.test(source) || source === source.toLowerCase() || source.normalize('NFKC') !== source) return [];
    const latin = capitals.find((capital) => skeleton(capital) === prototype);
    return latin ? [[latin, source] as [string, string]] : [];
  });
}

function randomCase(text: string, lower: boolean[]): string {
  return [...text].map((c, i) => (lower[i % lower.length] ? c.toLowerCase() : c)).join('');
}

describe('person key of whole-script look-alikes (UTS #39 skeleton)', () => {
  for (const script of ['Cyrillic', 'Greek'] as const) {
    const pairs = capitalLookAlikes(script);

    it(`a name in ${script} look-alikes of Latin capitals is the same person, in any case (${pairs.length} pairs from the data)`, () => {
      expect(pairs.length).toBeGreaterThan(10);
      const word = fc.array(fc.constantFrom(...pairs), { minLength: 2, maxLength: 12 });
      const cases = fc.array(fc.boolean(), { minLength: 1, maxLength: 12 });
      fc.assert(
        fc.property(word, cases, cases, (letters, latinCase, twinCase) => {
          const latin = randomCase(letters.map(([l]) => l).join(''), latinCase);
          const twin = randomCase(letters.map(([, t]) => t).join(''), twinCase);
          expect(checkName(twin).ok, twin).toBe(true);
          expect(personKey(twin, '1970-05-17'), `${latin} / ${twin}`).toBe(personKey(latin, '1970-05-17'));
        }),
      );
    });
  }

  it.each([
    ['Ivan', 'Иван'],
    ['Anna', 'Анна'],
    ['Maria', 'Мария'],
    ['Olga', 'Ольга'],
    ['Elena', 'Елена'],
    ['Alexei', 'Алексей'],
    ['Sophia', 'Σοφία'],
    ['Nikos', 'Νίκος'],
    ['Kim Minsu', '김민수'],
    ['김민수', '김민주'],
    ['Arnie', 'Amie'],
    ['Al', 'AI'],
    ['Bill', 'Bi11'],
  ])('"%s" and "%s" stay different people', (a, b) => {
    expect(personKey(a, '1970-05-17')).not.toBe(personKey(b, '1970-05-17'));
  });

  it.each([
    ['Olivia', '0livia'],
    ['Anna', 'Αννα'],
    ['Ali', 'Alı'],
  ])('"%s" and "%s" are one person (decision 009: accepted merges)', (a, b) => {
    expect(personKey(a, '1970-05-17')).toBe(personKey(b, '1970-05-17'));
  });

  it('Hangul is kept whole: 각가 and 가까 share a raw skeleton but not a person key', () => {
    expect(skeleton('각가')).toBe(skeleton('가까'));
    expect(personKey('각가', '1970-05-17')).not.toBe(personKey('가까', '1970-05-17'));
  });

  it('distinct Hangul names are distinct people', () => {
    const syllable = fc.integer({ min: 0xac00, max: 0xd7a3 }).map((code) => String.fromCodePoint(code));
    const name = fc.array(syllable, { minLength: 2, maxLength: 4 }).map((s) => s.join(''));
    fc.assert(
      fc.property(name, name, (a, b) => {
        fc.pre(a !== b);
        expect(personKey(a, '1970-05-17')).not.toBe(personKey(b, '1970-05-17'));
      }),
    );
  });
});
