/** The pages' texts in Korean (default) and English; see ./language.ts for how one is chosen. */
import type { Dictionary, TextKey } from './dictionary.js';
import { en } from './en.js';
import { ko } from './ko.js';
import type { Language } from './language.js';

export type { Dictionary, TextKey } from './dictionary.js';
export * from './language.js';
export * from './format.js';

export const dictionaries: Readonly<Record<Language, Dictionary>> = { ko, en };

/** Fills every `data-i18n="key"` element under `root` with that key's text. */
export function applyTexts(root: ParentNode, texts: Dictionary): void {
  for (const node of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = node.dataset.i18n as TextKey;
    const text: unknown = texts[key];
    if (typeof text === 'string') {
      if (node.textContent !== text) node.textContent = text; // unchanged text is left alone: no needless re-announcements
    } else console.warn(`waitroom: no text "${String(key)}"`);
  }
}
