/**
 * The waiting page's recovery code (docs/decisions/030-recovery-code.md): "continue on another device" shows the
 * code and its QR (drawn by `qrcode`, loaded only when first shown, so it weighs nothing on the page's first load);
 * "I have a recovery code" takes a place over from another device. A link from the QR (`#recover=<code>`) fills
 * the field and uses it once this page is connected.
 */
import { el, setText, show } from '../common/dom.js';
import type { Dictionary } from '../i18n/index.js';
import type { WaitroomClient } from '../sdk/client.js';
import type { RecoveryErrorCode } from '../sdk/recovery.js';

const FRAGMENT = /(?:^#|&)recover=([0-9A-Za-z-]{1,40})/;

type Line = ((texts: Dictionary) => string) | null;

export class RecoveryPanel {
  private readonly shown = el('recovery', HTMLDetailsElement);
  private readonly code = el('recovery-code', HTMLElement);
  private readonly qr = el('recovery-qr', HTMLImageElement);
  private readonly form = el('recover-form', HTMLFormElement);
  private readonly input = el('recover-code', HTMLInputElement);
  private readonly error = el('recover-error', HTMLElement);
  private current: string | null = null;
  private making = false;
  private status: Line = null;
  private problem: Line = null;
  private done: Line = null;
  /** A code from the QR's link, used at the first ticket (the connection is up then). */
  private linked: string | null = null;

  constructor(
    private readonly client: WaitroomClient,
    private readonly texts: () => Dictionary,
  ) {
    this.shown.addEventListener('toggle', () => void (this.shown.open && this.showCode()));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.use(this.input.value);
    });
    const match = FRAGMENT.exec(location.hash);
    if (match) {
      this.linked = match[1]!;
      this.input.value = this.linked;
      el('recover', HTMLDetailsElement).open = true;
      history.replaceState(null, '', location.pathname + location.search); // the code stays out of the history and of shared links
    }
  }

  /** The place this page holds changed (a ticket arrived): a code shown for the earlier one is not this place's. */
  ticket(ticketNo: number): void {
    if (this.linked) {
      const code = this.linked;
      this.linked = null;
      void this.use(code);
      return;
    }
    if (this.current && this.client.stored()?.ticketNo !== ticketNo) this.forget();
  }

  refresh(): void {
    const texts = this.texts();
    setText(el('recovery-status', HTMLElement), this.status?.(texts) ?? '');
    setText(el('recover-status', HTMLElement), this.done?.(texts) ?? '');
    show(this.error, this.problem !== null);
    setText(this.error, this.problem?.(texts) ?? '');
    this.input.toggleAttribute('aria-invalid', this.problem !== null);
    if (this.current) this.qr.alt = texts.recoveryQrLabel(this.code.textContent ?? '');
  }

  private async showCode(): Promise<void> {
    if (this.making || this.current) return;
    this.making = true;
    this.status = (t) => t.recoveryMaking;
    this.refresh();
    const result = await this.client.recoveryCode();
    this.making = false;
    if (!result.ok) {
      this.status = (t) => t.recoveryFailed;
      return this.refresh();
    }
    this.current = result.code;
    this.status = null;
    setText(this.code, result.shown);
    this.refresh();
    await this.drawQr(result.code);
  }

  private async drawQr(code: string): Promise<void> {
    const link = new URL(location.href);
    link.hash = `recover=${code}`;
    try {
      const { toString } = await import('qrcode');
      const svg = await toString(link.toString(), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      if (this.current !== code) return;
      this.qr.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      show(this.qr, true);
    } catch {
      // No QR (the chunk did not load): the code itself is on the screen.
    }
  }

  private forget(): void {
    this.current = null;
    setText(this.code, '');
    show(this.qr, false);
    this.qr.removeAttribute('src');
    this.shown.open = false;
  }

  private async use(typed: string): Promise<void> {
    this.problem = null;
    this.done = (t) => t.recovering;
    this.refresh();
    const result = await this.client.recover(typed);
    if (result.ok) {
      this.done = (t) => t.recoveredPlace(result.ticketNo);
      this.input.value = '';
      this.forget();
    } else {
      const code: RecoveryErrorCode = result.code;
      this.done = null;
      this.problem = (t) => (t.recoverErrors as Record<string, string>)[code] ?? (t.waitingErrors as Record<string, string>)[code] ?? t.recoverErrors.other;
    }
    this.refresh();
    if (!result.ok) this.input.focus();
  }
}
