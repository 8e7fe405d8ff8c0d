/** The birth-date question, for events that take certain birth-date cohorts only. */
import { el, setText, show } from '../common/dom.js';
import { formatDateTime, type Dictionary, type Language } from '../i18n/index.js';
import type { EventInfo } from '../../shared/http/info.js';
import type { WaitroomError } from '../sdk/index.js';

/** Who may join, one line per cohort, in the page's language. */
export function renderCohorts(event: EventInfo, language: Language, texts: Dictionary): void {
  const list = el('cohorts', HTMLElement);
  list.replaceChildren(
    ...event.cohorts.map((cohort) => {
      const item = document.createElement('li');
      item.textContent = texts.cohortLine(cohort.label[language], cohort.born.from, cohort.born.to, formatDateTime(cohort.opensAt, language, event.timeZone));
      return item;
    }),
  );
}

/**
 * Shows the form and resolves with the date entered (YYYY-MM-DD); `problem`
 * is why it is asked again (NOT_ELIGIBLE, BIRTH_DATE_REQUIRED).
 */
export function askBirthDate(problem: WaitroomError | null, texts: () => Dictionary): Promise<string> {
  const form = el('birth-form', HTMLFormElement);
  const error = el('birth-error', HTMLElement);
  show(form, true);
  show(error, problem !== null);
  if (problem) setText(error, texts().waitingErrors[problem.code]);
  el('join-birth-date', HTMLInputElement).focus();
  return new Promise((resolve) => {
    form.onsubmit = (submitted) => {
      submitted.preventDefault();
      const value = el('join-birth-date', HTMLInputElement).value;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return;
      show(form, false);
      resolve(value);
    };
  });
}
