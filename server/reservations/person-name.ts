/**
 * The identity rule for typed names (docs/decisions/009-identity-rule.md).
 *
 * A name is folded to the text a reader sees, then checked:
 *   1. NFKC (compatibility forms: full-width, ligatures, U+3164 → U+1160).
 *   2. Every Default_Ignorable_Code_Point (U+200B..U+200F, U+2060.., U+00AD,
 *      U+034F, U+180E, variation selectors, …) and every Hangul filler
 *      (U+115F, U+1160, U+3164, U+FFA0) is removed: they draw nothing.
 *   3. NFKC again (a removed joiner may have kept a letter and its mark apart),
 *      lower case, every White_Space character removed.
 *   4. The letters, marks and digits left must resolve to one script in the
 *      sense of UTS #39 "highly restrictive": one script alone, or Latin with
 *      Han and Hiragana/Katakana (Japanese), Han and Bopomofo (Chinese), or
 *      Han and Hangul (Korean). Common and Inherited characters fit any script.
 *      A Cyrillic "а" inside a Latin name is therefore refused, not folded.
 * Contract: two names that draw the same on screen and pass the check fold to
 * the same text; a name that fails gets a refusal saying why.
 */

const HANGUL_FILLERS = /[\u115F\u1160\u3164\uFFA0]/gu;
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;
const SPACE = /\p{White_Space}/gu;
const SCRIPTED = /[\p{L}\p{M}\p{N}]/u;

/** Scripts told apart; a letter of none of them counts as "other" (decision 009 says why that is enough). */
const SCRIPTS = [
  'Latin',
  'Greek',
  'Cyrillic',
  'Armenian',
  'Hebrew',
  'Arabic',
  'Syriac',
  'Thaana',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Thai',
  'Lao',
  'Tibetan',
  'Myanmar',
  'Georgian',
  'Hangul',
  'Ethiopic',
  'Cherokee',
  'Canadian_Aboriginal',
  'Ogham',
  'Runic',
  'Khmer',
  'Mongolian',
  'Hiragana',
  'Katakana',
  'Bopomofo',
  'Han',
  'Yi',
  'Tifinagh',
  'Nko',
  'Vai',
  'Javanese',
  'Balinese',
  'Sundanese',
  'Coptic',
  'Glagolitic',
  'Tagalog',
  'Cham',
  'Adlam',
  'Osage',
  'Lisu',
  'Bamum',
] as const;
const SCRIPT_TESTS = SCRIPTS.map((script) => [script, new RegExp(`\\p{Script_Extensions=${script}}`, 'u')] as const);
const LATIN = /\p{Script_Extensions=Latin}/u;
const COMMON = /[\p{Script=Common}\p{Script=Inherited}]/u;

/** UTS #39 §5.1: CJK scripts stand for the writing systems they belong to. */
const AUGMENTED: Record<string, readonly string[]> = {
  Han: ['Han', 'Hanb', 'Jpan', 'Kore'],
  Hiragana: ['Hiragana', 'Jpan'],
  Katakana: ['Katakana', 'Jpan'],
  Hangul: ['Hangul', 'Kore'],
  Bopomofo: ['Bopomofo', 'Hanb'],
};

export type NameCheck = { ok: true; folded: string } | { ok: false; reason: 'empty' | 'mixed_scripts'; message: string };

/** Steps 1–3: the text a reader sees, without invisible characters, case or spaces. */
export function foldName(name: string): string {
  const visible = name.normalize('NFKC').replace(INVISIBLE, '').replace(HANGUL_FILLERS, '');
  return visible.normalize('NFKC').toLowerCase().normalize('NFKC').replace(SPACE, '');
}

/** The scripts a character may belong to, augmented (UTS #39); undefined for Common/Inherited. */
function scriptsOf(char: string): Set<string> | undefined {
  if (!SCRIPTED.test(char) || COMMON.test(char)) return undefined;
  const found = SCRIPT_TESTS.filter(([, test]) => test.test(char)).flatMap(([script]) => AUGMENTED[script] ?? [script]);
  return new Set(found.length > 0 ? found : ['other']);
}

/** UTS #39 resolved script set: the scripts every character of `text` may belong to. */
function resolvedScripts(text: string): Set<string> | 'all' {
  let resolved = 'all' as Set<string> | 'all';
  for (const char of text) {
    const scripts = scriptsOf(char);
    if (!scripts) continue;
    resolved = resolved === 'all' ? scripts : new Set([...resolved].filter((script) => scripts.has(script)));
  }
  return resolved;
}

/** UTS #39 §5.2 highly restrictive: one script, or Latin with Japanese, Chinese or Korean. */
function highlyRestrictive(text: string): boolean {
  const resolved = resolvedScripts(text);
  if (resolved === 'all' || resolved.size > 0) return true;
  const withoutLatin = [...text].filter((char) => !LATIN.test(char)).join('');
  const rest = resolvedScripts(withoutLatin);
  return rest === 'all' || ['Jpan', 'Hanb', 'Kore'].some((script) => rest.has(script));
}

export function checkName(name: string): NameCheck {
  const folded = foldName(name);
  if (![...folded].some((char) => SCRIPTED.test(char))) {
    return { ok: false, reason: 'empty', message: 'the name has no letters once invisible characters are removed' };
  }
  if (!highlyRestrictive(folded)) {
    return {
      ok: false,
      reason: 'mixed_scripts',
      message: 'the name mixes letters of different scripts (for example Latin and Cyrillic look-alikes); type it in one script',
    };
  }
  return { ok: true, folded };
}
