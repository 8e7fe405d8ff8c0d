/**
 * Which language a page speaks: `?lang=` in the URL, else the person's
 * stored choice, else English for a browser set to English, else Korean.
 */
export type Language = 'ko' | 'en';
export const LANGUAGES: readonly Language[] = ['ko', 'en'];

const STORAGE_KEY = 'waitroom:lang';

function asLanguage(value: string | null | undefined): Language | null {
  return value === 'ko' || value === 'en' ? value : null;
}

export interface LanguageSources {
  /** The `lang` query parameter. */
  query: string | null;
  /** The choice stored by an earlier switch. */
  stored: string | null;
  /** navigator.language. */
  browser: string | undefined;
}

export function chooseLanguage({ query, stored, browser }: LanguageSources): Language {
  return asLanguage(query) ?? asLanguage(stored) ?? (browser?.toLowerCase().startsWith('en') ? 'en' : 'ko');
}

function readStored(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Keeps a choice, so the next page (waiting → booking) speaks the same language. */
export function rememberLanguage(language: Language): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, language);
  } catch {
    // blocked storage: the choice lasts for this page only
  }
}

/** The language of this page; a `?lang=` choice is kept for the next pages. */
export function pageLanguage(): Language {
  const query = asLanguage(new URLSearchParams(location.search).get('lang'));
  if (query) rememberLanguage(query);
  return chooseLanguage({ query, stored: readStored(), browser: navigator.language });
}
