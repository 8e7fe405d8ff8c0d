/** The "notify me when it is my turn" button: shown only while the browser could still say yes. */
import { el, setText, show } from '../common/dom.js';
import type { Dictionary } from '../i18n/index.js';
import { askNotifyPermission, notifyPermission, type NotifyPermission } from './turn-alert.js';

function statusText(permission: NotifyPermission, texts: Dictionary): string {
  if (permission === 'granted') return texts.notifyOn;
  if (permission === 'denied') return texts.notifyDenied;
  return '';
}

/** Binds the button; returns a refresh for a language change or a permission changed elsewhere. */
export function bindNotifyButton(texts: () => Dictionary): () => void {
  const button = el('notify', HTMLButtonElement);
  const status = el('notify-status', HTMLElement);
  const update = (permission: NotifyPermission): void => {
    show(button, permission === 'default');
    setText(status, statusText(permission, texts()));
  };
  button.onclick = async () => update(await askNotifyPermission());
  const refresh = (): void => update(notifyPermission());
  refresh();
  return refresh;
}
