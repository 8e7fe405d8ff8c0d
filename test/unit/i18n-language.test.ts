/** Which language a page speaks, and how durations and countdowns read. */
import { describe, expect, it } from 'vitest';
import { chooseLanguage, dictionaries, formatCountdown, formatDuration } from '../../client/i18n/index.js';

describe('chooseLanguage', () => {
  it('is Korean by default, whatever else the browser says', () => {
    expect(chooseLanguage({ query: null, stored: null, browser: undefined })).toBe('ko');
    expect(chooseLanguage({ query: null, stored: null, browser: 'de-DE' })).toBe('ko');
    expect(chooseLanguage({ query: null, stored: null, browser: 'ko-KR' })).toBe('ko');
  });
  it('is English for a browser set to English, unless a choice was stored', () => {
    expect(chooseLanguage({ query: null, stored: null, browser: 'en-US' })).toBe('en');
    expect(chooseLanguage({ query: null, stored: 'ko', browser: 'en-US' })).toBe('ko');
  });
  it('follows ?lang= over everything; ignores values it does not know', () => {
    expect(chooseLanguage({ query: 'en', stored: 'ko', browser: 'ko-KR' })).toBe('en');
    expect(chooseLanguage({ query: 'ko', stored: 'en', browser: 'en-US' })).toBe('ko');
    expect(chooseLanguage({ query: 'fr', stored: 'en', browser: 'ko-KR' })).toBe('en');
    expect(chooseLanguage({ query: null, stored: 'xx', browser: 'ko' })).toBe('ko');
  });
});

describe('formatDuration', () => {
  it('reads naturally in both languages and never shows a wait shorter than it is', () => {
    expect(formatDuration(40, dictionaries.en)).toBe('40 s');
    expect(formatDuration(40.2, dictionaries.ko)).toBe('41초');
    expect(formatDuration(61, dictionaries.en)).toBe('2 min');
    expect(formatDuration(60 * 59, dictionaries.ko)).toBe('59분');
    expect(formatDuration(3600 + 5 * 60, dictionaries.en)).toBe('1 h 5 min');
    expect(formatDuration(3600 + 5 * 60, dictionaries.ko)).toBe('1시간 5분');
    expect(formatDuration(-5, dictionaries.en)).toBe('0 s');
  });
});

it('formatCountdown counts m:ss, and h:mm:ss past an hour', () => {
  expect(formatCountdown(599_001)).toBe('10:00');
  expect(formatCountdown(5_000)).toBe('0:05');
  expect(formatCountdown(3_725_000)).toBe('1:02:05');
  expect(formatCountdown(-1)).toBe('0:00');
});
