/** The optional phone number field for a text message at the turn (shown when the gateway has a messaging webhook). */
import { el, setText, show } from '../common/dom.js';
import type { Dictionary } from '../i18n/index.js';
import { maskedNumber, toE164 } from './phone-number.js';
import type { PageTurnContact } from './turn-contact.js';

export function bindPhoneField(contact: PageTurnContact, texts: () => Dictionary): void {
  const form = el('phone-form', HTMLFormElement);
  const input = el('phone', HTMLInputElement);
  const status = el('phone-status', HTMLElement);
  show(form, true);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const number = toE164(input.value);
    input.setAttribute('aria-invalid', String(number === null));
    if (!number) {
      status.dataset.kind = 'hint';
      setText(status, texts().phoneInvalid);
      return input.focus();
    }
    const answer = await contact.setPhone(number);
    status.dataset.kind = answer.saved ? 'ok' : 'hint';
    setText(status, answer.saved ? texts().phoneSaved(maskedNumber(number)) : texts().waitingErrors[answer.code]);
  };
}
