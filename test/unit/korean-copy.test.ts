/**
 * The Korean a person reads (issue 18 §5): "행사" reads as a festival where a
 * booking opening is meant ("예약"); "앞에 0명이 있습니다" is said as
 * "곧 차례입니다". Every Korean text of the person's pages, walked whole.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dictionaries } from '../../client/i18n/index.js';

/** Every text of a dictionary, functions called with sample arguments. */
function texts(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (typeof value === 'function') return [[path, String((value as (...a: unknown[]) => unknown)('X', 'Y', 'Z', 'W'))]];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => texts(inner, path ? `${path}.${key}` : key));
  return [];
}

describe('Korean copy', () => {
  it('says 예약, not 행사, on the waiting, booking and kiosk pages', () => {
    expect(texts(dictionaries.ko).filter(([, text]) => text.includes('행사'))).toEqual([]);
    expect(readFileSync('client/kiosk/view.ts', 'utf8')).not.toContain('행사');
  });

  it('says 곧 차례입니다 when nobody is ahead', () => {
    expect(dictionaries.ko.announceAhead(0)).toBe('곧 차례입니다.');
    expect(dictionaries.ko.announceAhead(3)).toBe('앞에 3명이 있습니다.');
    expect(dictionaries.en.announceAhead(0)).not.toMatch(/\b0 people/);
  });
});
