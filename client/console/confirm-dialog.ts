/** A confirmation step for actions that cannot be taken back (open or close early, revoke). */
import { el, setText } from '../common/dom.js';

const dialog = el('confirm', HTMLDialogElement);

/** Resolves true only when the operator pressed the confirm button (Esc and Cancel are "no"). */
export function confirmAction(title: string, detail: string, confirmLabel: string): Promise<boolean> {
  setText(el('confirm-title', HTMLElement), title);
  setText(el('confirm-detail', HTMLElement), detail);
  setText(el('confirm-ok', HTMLButtonElement), confirmLabel);
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
  });
}
