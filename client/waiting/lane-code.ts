/** The priority-lane code field (docs/decisions/031): shown before a new join when the event has lanes. */
import { el, show } from '../common/dom.js';

/** Shows the form (filled with `given`) and resolves with what was entered: '' for the main line. */
export function askLaneCode(given: string): Promise<string> {
  const form = el('lane-form', HTMLFormElement);
  const input = el('lane-code', HTMLInputElement);
  input.value = given;
  show(form, true);
  input.focus();
  return new Promise((resolve) => {
    form.onsubmit = (submitted) => {
      submitted.preventDefault();
      show(form, false);
      resolve(input.value.trim());
    };
  });
}
