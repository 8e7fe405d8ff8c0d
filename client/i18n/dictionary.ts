/** The shape every language's dictionary must have: the English one's, with any text. */
import type { en } from './en.js';

type Texts<T> = T extends string ? string : T extends (...args: infer A) => string ? (...args: A) => string : { readonly [K in keyof T]: Texts<T[K]> };

export type Dictionary = Texts<typeof en>;

/** Keys whose value is a plain text: what `data-i18n` attributes in the HTML may name. */
export type TextKey = { [K in keyof Dictionary]: Dictionary[K] extends string ? K : never }[keyof Dictionary];
