/**
 * The UTS #39 skeleton (§4), keyed from Unicode's confusables.txt as the
 * `unhomoglyph` package ships it (data.json: one source code point → its
 * prototype string, Unicode 13.0.0; docs/decisions/009-identity-rule.md).
 *
 * skeleton(X): NFD, each code point replaced by its prototype, NFD again.
 * Contract: two strings the data calls confusable have equal skeletons. The
 * skeleton is for comparing, never for showing ("m" becomes "rn").
 */
import confusables from 'unhomoglyph/data.json' with { type: 'json' };

const PROTOTYPES: Readonly<Record<string, string>> = confusables;
const HANGUL_RUN = /\p{Script=Hangul}+/u;

export function skeleton(text: string): string {
  let mapped = '';
  for (const char of text.normalize('NFD')) mapped += PROTOTYPES[char] ?? char;
  return mapped.normalize('NFD');
}

/**
 * The skeleton a person key is made of, for a name already folded by
 * foldName (lower case, no spaces):
 *   - the text is upper-cased first, because the data maps capitals to
 *     capitals: "КІМ" and "Кім" both meet "KIM" only as capitals (a lower-case
 *     "к" is "ĸ", and "m" would become "rn"); decision 009 says what it merges;
 *   - runs of Hangul are kept as they are: NFD splits a syllable into jamo and
 *     the data maps a final jamo to an initial one, so 각가 and 가까, which do
 *     not look alike, would share a skeleton.
 */
export function nameSkeleton(folded: string): string {
  const parts = folded.toUpperCase().split(new RegExp(`(${HANGUL_RUN.source})`, 'u'));
  return parts.map((part, i) => (i % 2 === 1 ? part : skeleton(part))).join('');
}
