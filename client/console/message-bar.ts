/**
 * The one line under the header that says what the last action did. Errors
 * show the server's status, code and message exactly as it sent them: the
 * operator (or whoever they call) needs the code, not a paraphrase.
 */
import { el, setText } from '../common/dom.js';
import { asRequestError } from '../common/fetch-json.js';

const bar = el('message', HTMLElement);

export function showDone(text: string): void {
  bar.dataset.kind = 'ok';
  setText(bar, text);
  bar.hidden = false;
}

/** `doing`: what was attempted, e.g. "Pause ev". */
export function showError(doing: string, error: unknown): void {
  bar.dataset.kind = 'error';
  setText(bar, `${doing} failed: ${describeError(error)}`);
  bar.hidden = false;
}

/** "403 FORBIDDEN: operator "vic" (viewer) may not do this"; status omitted when there was no HTTP answer. */
export function describeError(error: unknown): string {
  const { status, code, message } = asRequestError(error);
  return `${status ? `${status} ` : ''}${code}${message ? `: ${message}` : ''}`;
}

export function clearMessage(): void {
  bar.hidden = true;
}
