/**
 * The 한국어 / English buttons of a page ([data-testid="lang-ko"], [data-testid="lang-en"]):
 * switching keeps the choice for the next pages and re-renders the page's texts.
 */
import { dictionaries, LANGUAGES, rememberLanguage, type Dictionary, type Language } from '../i18n/index.js';

export function bindLanguageSwitch(initial: Language, onChange: (language: Language, texts: Dictionary) => void): void {
  const apply = (language: Language): void => {
    document.documentElement.lang = language;
    for (const option of LANGUAGES) {
      const button = document.querySelector<HTMLButtonElement>(`[data-testid="lang-${option}"]`);
      if (!button) continue;
      button.setAttribute('aria-pressed', String(option === language));
      button.textContent = dictionaries[option].languageName;
      button.lang = option;
    }
    onChange(language, dictionaries[language]);
  };
  for (const option of LANGUAGES) {
    document.querySelector<HTMLButtonElement>(`[data-testid="lang-${option}"]`)?.addEventListener('click', () => {
      rememberLanguage(option);
      apply(option);
    });
  }
  apply(initial);
}
