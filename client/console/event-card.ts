/**
 * One event on the console: its figures, limits and notice, and the controls
 * that steer it. Built once from the page's <template>, updated in place on
 * every refresh (what an operator is typing is never overwritten). A viewer
 * sees the controls disabled; the server refuses them anyway.
 */
import { setText } from '../common/dom.js';
import { api } from './api.js';
import { confirmAction } from './confirm-dialog.js';
import { formatDateTime, formatNumber } from './format.js';
import type { EventRow } from '../../shared/http/console.js';
import { LanesPanel } from './lanes-panel.js';

export interface CardContext {
  readOnly: boolean;
  /** Runs an action: shows what it did (the returned text) or its error, then refreshes the page. */
  act(doing: string, action: () => Promise<string>): Promise<void>;
}

const STATE_LABEL: Record<EventRow['state'], string> = {
  prequeue: 'Not open yet · 접수 전',
  open: 'Admitting · 입장 중',
  paused: 'Paused · 일시 정지',
  closed: 'Closed · 마감',
};

/** The card's element marked `data-field`, `data-action` or `data-form` = `name`. */
function part<T extends HTMLElement = HTMLElement>(root: HTMLElement, kind: 'field' | 'action' | 'form', name: string): T {
  const node = root.querySelector<T>(`[data-${kind}="${name}"]`);
  if (!node) throw new Error(`the event card template has no data-${kind}="${name}"`);
  return node;
}

/** Shows a limit's current value in its field, unless the operator is editing it (focused, or typed and not yet sent). */
function showCurrent(form: HTMLFormElement, name: string, value: number): void {
  const input = form.elements.namedItem(name) as HTMLInputElement;
  if (input.dataset.edited === 'true' || document.activeElement === input) return;
  if (input.value !== String(value)) input.value = String(value);
}

/** The whole number typed in `input`, or undefined when it is empty. */
function intField(form: HTMLFormElement, name: string): number | undefined {
  const input = form.elements.namedItem(name) as HTMLInputElement;
  return input.value.trim() === '' ? undefined : Number(input.value);
}

export class EventCard {
  readonly root: HTMLElement;
  private row: EventRow;
  private busy = false;
  private readonly lanes: LanesPanel;

  constructor(
    row: EventRow,
    private readonly context: CardContext,
  ) {
    const template = document.getElementById('event-template') as HTMLTemplateElement;
    this.root = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
    this.root.dataset.eventId = row.id;
    this.row = row;
    this.lanes = new LanesPanel(part(this.root, 'field', 'lanes'), (kind, name) => part(this.root, kind, name));
    this.wire();
    this.lanes.wire(row.id, (doing, action) => this.run(doing, action));
    this.update(row);
  }

  update(row: EventRow): void {
    this.row = row;
    const f = (name: string) => part(this.root, 'field', name);
    setText(f('title-en'), row.title.en);
    setText(f('title-ko'), row.title.ko === row.title.en ? '' : row.title.ko);
    setText(f('id'), row.id);
    const state = f('state');
    // An event whose store shard is away (decision 026): its figures are the last known, and nothing can be changed.
    state.dataset.state = row.storeReachable ? row.state : 'unreachable';
    setText(state, row.storeReachable ? STATE_LABEL[row.state] : 'Store unreachable · 저장소 연결 끊김 (last known figures)');
    setText(f('waiting'), formatNumber(row.waiting));
    setText(f('admitted'), formatNumber(row.admittedTotal));
    setText(f('active'), formatNumber(row.active));
    setText(f('rate'), formatNumber(row.ratePerMinute));
    setText(f('bookings'), formatNumber(row.bookings));
    setText(f('max-active'), formatNumber(row.maxActive));
    setText(f('admits-per-minute'), formatNumber(row.admitsPerMinute));
    const limits = part<HTMLFormElement>(this.root, 'form', 'limits');
    showCurrent(limits, 'maxActive', row.maxActive);
    showCurrent(limits, 'admitsPerMinute', row.admitsPerMinute);
    setText(f('opens'), formatDateTime(row.opensAt));
    setText(f('closes'), formatDateTime(row.closesAt));
    const notice = f('current-notice');
    notice.dataset.empty = String(!row.notice);
    setText(notice, row.notice ? `“${row.notice.text}”${row.notice.en ? ` / “${row.notice.en}”` : ''} (since ${formatDateTime(row.notice.at)})` : 'none');
    this.lanes.update(row);
    this.enableControls();
  }

  private enableControls(): void {
    const { state, paused } = this.row;
    part<HTMLFieldSetElement>(this.root, 'field', 'controls').disabled = this.context.readOnly || this.busy || !this.row.storeReachable;
    const button = (name: string) => part<HTMLButtonElement>(this.root, 'action', name);
    button('pause').disabled = paused || state === 'closed';
    button('resume').disabled = !paused;
    button('open-now').disabled = state !== 'prequeue';
    button('close-now').disabled = state === 'closed';
  }

  /** Runs one action with the controls locked, so a double click cannot send it twice. */
  private async run(doing: string, action: () => Promise<string>): Promise<void> {
    this.busy = true;
    this.enableControls();
    try {
      await this.context.act(doing, action);
    } finally {
      this.busy = false;
      this.enableControls();
    }
  }

  private wire(): void {
    const id = this.row.id;
    const name = () => `“${this.row.title.en}” (${id})`;
    const click = (action: string, handler: () => void) => part(this.root, 'action', action).addEventListener('click', handler);
    const submit = (form: string, handler: (form: HTMLFormElement) => void) =>
      part<HTMLFormElement>(this.root, 'form', form).addEventListener('submit', (event) => {
        event.preventDefault();
        handler(event.currentTarget as HTMLFormElement);
      });

    click('pause', () => void this.run(`Pause ${id}`, async () => (await api.pause(id), `Admission to ${name()} is paused. People keep their places.`)));
    click('resume', () => void this.run(`Resume ${id}`, async () => (await api.resume(id), `Admission to ${name()} resumed.`)));
    click('open-now', async () => {
      if (
        !(await confirmAction(`Open ${name()} now?`, 'Admission starts at once, before the configured opening time. The pre-queue is drawn now.', 'Open now'))
      )
        return;
      void this.run(`Open ${id} now`, async () => (await api.openNow(id), `${name()} is open.`));
    });
    click('close-now', async () => {
      if (
        !(await confirmAction(
          `Close ${name()} now?`,
          'Nobody more can join or be admitted. Everyone waiting is told the event closed. This cannot be undone from the console.',
          'Close now',
        ))
      )
        return;
      void this.run(`Close ${id} now`, async () => (await api.closeNow(id), `${name()} is closed.`));
    });
    submit('limits', (form) => {
      const maxActive = intField(form, 'maxActive');
      const admitsPerMinute = intField(form, 'admitsPerMinute');
      void this.run(`Change the limits of ${id}`, async () => {
        const { event } = await api.limits(id, {
          ...(maxActive === undefined ? {} : { maxActive }),
          ...(admitsPerMinute === undefined ? {} : { admitsPerMinute }),
        });
        form.reset();
        for (const input of form.querySelectorAll('input')) delete input.dataset.edited; // the next refresh shows the new values
        return `Limits of ${name()}: ${event.maxActive} booking at once, ${event.admitsPerMinute} admitted per minute.`;
      });
    });
    part(this.root, 'form', 'limits').addEventListener('input', (event) => ((event.target as HTMLInputElement).dataset.edited = 'true'));
    submit('notice', (form) => {
      const text = (form.elements.namedItem('text') as HTMLTextAreaElement).value.trim();
      const en = (form.elements.namedItem('en') as HTMLTextAreaElement).value.trim();
      void this.run(`Broadcast a notice to ${id}`, async () => {
        await api.notice(id, text, en);
        form.reset();
        return text ? `Notice sent to everyone waiting in ${name()}.` : `Notice of ${name()} cleared.`;
      });
    });
    click('clear-notice', () => void this.run(`Clear the notice of ${id}`, async () => (await api.notice(id, ''), `Notice of ${name()} cleared.`)));
    submit('revoke', async (form) => {
      const ticketNo = intField(form, 'ticketNo');
      if (ticketNo === undefined) return;
      if (
        !(await confirmAction(
          `Revoke ticket #${ticketNo} of ${name()}?`,
          'Its holder loses their place, or their booking grant if admitted, for good.',
          'Revoke ticket',
        ))
      )
        return;
      void this.run(`Revoke ticket #${ticketNo} of ${id}`, async () => {
        const result = await api.revoke(id, ticketNo);
        form.reset();
        return `Ticket #${result.ticketNo} revoked${result.wasAdmitted ? ' (it had been admitted: its grant no longer books)' : ' (it was waiting)'}.`;
      });
    });
  }
}
