/**
 * The header every person-facing page shares — site name, the page's title
 * (#event-title) and the 한국어 / English buttons ([data-testid="lang-ko"],
 * [data-testid="lang-en"]) — built here once into the page's empty
 * <header class="site-header">. Switching keeps the choice for the next
 * pages and lets the page redraw its texts.
 */
import { dictionaries, LANGUAGES, rememberLanguage, type Dictionary, type Language } from '../i18n/index.js';

function buildHeader(): void {
  const header = document.querySelector('header.site-header');
  if (!header || header.childElementCount > 0) return;
  const buttons = LANGUAGES.map((option) => `<button type="button" data-testid="lang-${option}" lang="${option}"></button>`).join('');
  header.innerHTML =
    '<div class="inner"><div><p class="site-name" data-i18n="siteName"></p><h1 id="event-title"></h1></div>' +
    `<div class="lang-switch" role="group" aria-label="Language / 언어">${buttons}</div></div>`;
}

export function bindLanguageSwitch(initial: Language, onChange: (language: Language, texts: Dictionary) => void): void {
  buildHeader();
  const apply = (language: Language): void => {
    document.documentElement.lang = language;
    for (const option of LANGUAGES) {
      const button = document.querySelector<HTMLButtonElement>(`[data-testid="lang-${option}"]`);
      if (!button) continue;
      button.setAttribute('aria-pressed', String(option === language));
      button.textContent = dictionaries[option].languageName;
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
