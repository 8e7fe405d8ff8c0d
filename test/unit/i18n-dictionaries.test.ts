/**
 * Both languages say everything: every key, every error code of the queue
 * and of the reservation handler (a new code without a text fails here and in
 * the type check), every `data-i18n` key the pages use.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dictionaries, LANGUAGES, type Dictionary } from '../../client/i18n/index.js';
import { BOOKING_ERROR_STATUS } from '../../shared/booking/api.js';
import { CloseCode, ErrorCode } from '../../shared/protocol/index.js';
import { closeErrorCode } from '../../client/sdk/error-policy.js';

/** Every leaf of a dictionary as [path, value]. */
function leaves(value: unknown, path = ''): [string, unknown][] {
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([key, inner]) => leaves(inner, path ? `${path}.${key}` : key));
  return [[path, value]];
}

describe.each(LANGUAGES)('%s', (language) => {
  const texts: Dictionary = dictionaries[language];

  it('has every key of the other language, of the same kind, none empty', () => {
    const other = dictionaries[language === 'ko' ? 'en' : 'ko'];
    const mine = new Map(leaves(texts));
    for (const [path, value] of leaves(other)) {
      expect(mine.has(path), `${language} lacks ${path}`).toBe(true);
      expect(typeof mine.get(path), path).toBe(typeof value);
    }
    for (const [path, value] of mine) {
      if (typeof value === 'string') expect(value.trim(), path).not.toBe('');
    }
  });

  it('explains every reservation-handler error code, plus network failures', () => {
    for (const code of [...Object.keys(BOOKING_ERROR_STATUS), 'NETWORK', 'UNEXPECTED_RESPONSE']) {
      const text = (texts.bookingErrors as Record<string, string | undefined>)[code];
      expect(text, `${language} has no text for ${code}`).toBeTruthy();
      expect(text).not.toContain(code);
    }
  });

  it('explains every queue error code and every terminal close', () => {
    const closes = Object.values(CloseCode)
      .filter((code) => code >= 4100)
      .map(closeErrorCode);
    for (const code of [...Object.values(ErrorCode), ...closes, closeErrorCode(CloseCode.NORMAL)]) {
      const text = (texts.waitingErrors as Record<string, string | undefined>)[code];
      expect(text, `${language} has no text for ${code}`).toBeTruthy();
    }
  });

  it('has every text the pages name in data-i18n', () => {
    for (const page of ['client/index.html', 'client/book/index.html']) {
      const keys = [...readFileSync(page, 'utf8').matchAll(/data-i18n="([^"]+)"/g)].map((match) => match[1]!);
      expect(keys.length, page).toBeGreaterThan(5);
      for (const key of keys) expect(typeof (texts as unknown as Record<string, unknown>)[key], `${page}: ${key}`).toBe('string');
    }
  });
});

it('the two languages differ where they should (a copied English text is a missing translation)', () => {
  const korean = new Map(leaves(dictionaries.ko));
  const same = leaves(dictionaries.en).filter(([path, value]) => typeof value === 'string' && korean.get(path) === value);
  expect(same).toEqual([]);
});
