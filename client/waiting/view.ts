/** DOM updates for the waiting page; no protocol knowledge here. */
import type { EventState } from '../../shared/protocol/index.js';
import { el, setText } from '../common/dom.js';

export type Section = 'waiting' | 'booking' | 'done';
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

const sections: Record<Section, HTMLElement> = {
  waiting: el('waiting', HTMLElement),
  booking: el('booking', HTMLElement),
  done: el('done', HTMLElement),
};

const EVENT_STATE_TEXT: Record<EventState, string> = {
  prequeue: 'not open yet (you can wait here)',
  open: 'open',
  paused: 'paused (you keep your place)',
  closed: 'closed',
};

/** Shows one section; null hides them all (nothing left to show but a notice). */
export function showSection(section: Section | null): void {
  for (const [name, node] of Object.entries(sections)) node.hidden = name !== section;
}

export function setTitle(title: string): void {
  setText(el('title', HTMLElement), title);
  document.title = `${title} – waiting room`;
}

export function setConnection(state: ConnectionState): void {
  setText(el('connection', HTMLElement), state);
}

/** `degraded`: the server cannot reach its queue store, so the figures shown are the last known. */
export function setEventState(state: EventState, degraded = false): void {
  const suffix = degraded ? ' – the queue is reconnecting, figures may lag; you keep your place' : '';
  setText(el('event-state', HTMLElement), EVENT_STATE_TEXT[state] + suffix);
}

/** Local time of `ms` in the event's zone, e.g. "2021-07-20 20:00". */
export function formatLocalTime(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} (${timeZone})`;
}

function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/**
 * Before the opening: a countdown and how many wait in the pre-queue; no place
 * yet (it is drawn at the opening). `null` leaves the pre-queue view.
 */
export function setPrequeue(state: { opensAt: number; timeZone: string; waiting: number; now: number } | null): void {
  el('prequeue', HTMLElement).hidden = state === null;
  if (!state) return;
  setText(el('opens-at', HTMLElement), formatLocalTime(state.opensAt, state.timeZone));
  setText(el('countdown', HTMLElement), formatCountdown(state.opensAt - state.now));
  setText(el('prequeue-count', HTMLElement), String(state.waiting));
  setText(el('place', HTMLElement), 'drawn at the opening');
  setText(el('ahead', HTMLElement), '–');
  setText(el('eta', HTMLElement), 'known after the opening');
}

/** Asks for the birth date this event's cohorts need; resolves with it (YYYY-MM-DD). */
export function askBirthDate(help: string): Promise<string> {
  const form = el('birth-form', HTMLFormElement);
  setText(el('birth-help', HTMLElement), help);
  form.hidden = false;
  sections.waiting.hidden = true;
  return new Promise((resolve) => {
    form.onsubmit = (submitted) => {
      submitted.preventDefault();
      const value = el('join-birth-date', HTMLInputElement).value;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return;
      form.hidden = true;
      sections.waiting.hidden = false;
      resolve(value);
    };
  });
}

export function setTicketNo(ticketNo: number): void {
  setText(el('ticket-no', HTMLElement), `(ticket #${ticketNo})`);
}

export interface Position {
  ahead: number;
  etaSeconds: number | null;
  /** 0 at joining, 1 when nobody is ahead. */
  progress: number;
}

export function setPosition({ ahead, etaSeconds, progress }: Position): void {
  setText(el('place', HTMLElement), ahead === 0 ? 'next (any moment now)' : String(ahead + 1));
  setText(el('ahead', HTMLElement), String(ahead));
  setText(el('eta', HTMLElement), formatEta(etaSeconds));
  const bar = el('progress', HTMLProgressElement);
  bar.value = Math.min(1, Math.max(0, progress));
  setText(bar, `${Math.round(bar.value * 100)}%`);
}

function formatEta(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export interface NoticeAction {
  label: string;
  run(): void;
}

/** A plain message above the page content, with at most one button. */
export function showNotice(text: string, action?: NoticeAction): void {
  el('notice', HTMLElement).hidden = false;
  setText(el('notice-text', HTMLElement), text);
  const button = el('notice-action', HTMLButtonElement);
  button.hidden = !action;
  button.textContent = action?.label ?? '';
  button.onclick = action ? () => action.run() : null;
}

export function clearNotice(): void {
  el('notice', HTMLElement).hidden = true;
}
