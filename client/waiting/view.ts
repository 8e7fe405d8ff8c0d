/**
 * The waiting page's DOM, drawn from a model of what the client last
 * reported, so switching the language redraws everything in the other one.
 * No protocol knowledge here: the SDK's events fill the model.
 */
import { el, setText, show } from '../common/dom.js';
import { applyTexts, formatClock, formatCountdown, formatDateTime, formatWait, localeOf, type Dictionary, type Language } from '../i18n/index.js';
import { LANE_SPAN } from '../../shared/queue/lanes.js';
import type { EtaEvent, PositionEvent, StateEvent, WaitroomError, WaitroomErrorCode } from '../sdk/index.js';
import { shownRate, type EtaChange } from './eta-change.js';

/** The values of the test hook `[data-testid="connection-state"]`'s data-state. */
export type ShownState = 'connecting' | 'connected' | 'reconnecting' | 'paused' | 'closed' | 'prequeue';

export interface ProblemAction {
  label: 'joinAgain' | 'useThisTab' | 'reload';
  run(): void;
}

export interface Problem {
  code: WaitroomErrorCode;
  /** Terminal: the line figures are hidden and an action offered. */
  stopped: boolean;
  retryAt?: number;
  action?: ProblemAction;
}

export interface WaitingModel {
  title: { ko: string; en: string } | null;
  /** A page-level message before the event is known (loading, no such event). */
  status: { text: (texts: Dictionary) => string } | null;
  state: StateEvent | null;
  ticketNo: number | null;
  position: PositionEvent | null;
  eta: EtaEvent | null;
  /** Why the estimate just rose (./eta-change.ts), while it is explained. */
  etaChange: EtaChange | null;
  /** When the figures last came from the server (this device's clock); null before the first. */
  updatedAt: number | null;
  prequeue: { opensAt: number; timeZone: string; waiting: number } | null;
  /** The operators' notice: `text` in Korean or every language, `en` its English text if given; text '': none. */
  notice: { text: string; en: string | null };
  problem: Problem | null;
  /** The birth-date form, or the lane-code form, is showing instead of the line. */
  askingBirthDate: boolean;
  askingLaneCode: boolean;
  /** Admitted: grant expiry by this device's clock. */
  turnEndsAt: number | null;
  /** The event's priority lanes' names by id (docs/decisions/031). */
  laneNames: Record<string, { ko: string; en: string }>;
  booked: string | null;
}

export function emptyModel(): WaitingModel {
  return {
    title: null,
    status: null,
    state: null,
    ticketNo: null,
    position: null,
    eta: null,
    etaChange: null,
    updatedAt: null,
    prequeue: null,
    notice: { text: '', en: null },
    problem: null,
    askingBirthDate: false,
    askingLaneCode: false,
    turnEndsAt: null,
    laneNames: {},
    booked: null,
  };
}

export function shownState(state: StateEvent | null): ShownState {
  if (!state) return 'connecting';
  return state.state === 'open' ? 'connected' : state.state;
}

function stateText(state: StateEvent | null, texts: Dictionary): string {
  const shown = shownState(state);
  if (shown === 'closed') return state?.queue === 'closed' ? texts.states.eventClosed : texts.states.connectionClosed;
  return texts.states[shown];
}

function etaText(model: WaitingModel, language: Language, texts: Dictionary): string {
  const shown = shownState(model.state);
  if (model.position?.peopleAhead === 0 && shown === 'connected') return texts.etaSoon;
  if (model.eta?.seconds != null && model.eta.at !== null && shown === 'connected') {
    return texts.etaValue(formatWait(model.eta.seconds, texts), formatClock(model.eta.at, language));
  }
  if (shown === 'paused') return texts.etaUnknownPaused;
  if (shown === 'prequeue') return texts.etaUnknownPrequeue;
  if (shown === 'closed') return texts.etaUnknownClosed;
  if (shown === 'reconnecting' || shown === 'connecting') return texts.etaUnknownReconnecting;
  return texts.etaUnknownRate;
}

export function render(model: WaitingModel, language: Language, texts: Dictionary, now: number): void {
  applyTexts(document, texts);
  const title = model.title?.[language] ?? texts.waitingRoom;
  setText(el('event-title', HTMLElement), title);
  document.title = `${title} – ${texts.waitingRoom}`;

  show(el('page-status', HTMLElement), model.status !== null);
  if (model.status) setText(el('page-status', HTMLElement), model.status.text(texts));

  const stopped = model.problem?.stopped === true;
  const admitted = model.turnEndsAt !== null;
  show(el('waiting', HTMLElement), model.title !== null && !stopped && !admitted && !model.askingBirthDate && !model.askingLaneCode && model.booked === null);
  renderState(model, texts);
  renderLine(model, language, texts, now);
  renderProblem(model.problem, language, texts);

  show(el('notice', HTMLElement), model.notice.text !== '' && model.booked === null);
  setText(el('notice-text', HTMLElement), language === 'en' && model.notice.en ? model.notice.en : model.notice.text);

  show(el('turn', HTMLElement), admitted && model.booked === null);
  if (model.turnEndsAt !== null) setText(el('grant-left', HTMLElement), formatCountdown(model.turnEndsAt - now));

  show(el('booked', HTMLElement), model.booked !== null);
  setText(el('booked-reference', HTMLElement), model.booked ?? '');
}

function renderState(model: WaitingModel, texts: Dictionary): void {
  const pill = el('connection-state', HTMLElement);
  const shown = shownState(model.state);
  if (pill.dataset.state !== shown) pill.dataset.state = shown;
  setText(pill, stateText(model.state, texts));
}

function renderLine(model: WaitingModel, language: Language, texts: Dictionary, now: number): void {
  const prequeue = model.prequeue;
  show(el('prequeue', HTMLElement), prequeue !== null);
  show(el('line', HTMLElement), prequeue === null);
  show(el('line-details', HTMLElement), prequeue === null);
  if (prequeue) {
    setText(el('opens-at', HTMLElement), formatDateTime(prequeue.opensAt, language, prequeue.timeZone));
    setText(el('opens-in', HTMLElement), formatCountdown(prequeue.opensAt - now));
    setText(el('prequeue-count', HTMLElement), texts.prequeueCount(prequeue.waiting));
  }
  const position = model.position;
  // Digits only (a test hook); the empty element shows a dash through the style. At 0 the words say it instead.
  setText(el('people-ahead', HTMLElement), position ? String(position.peopleAhead) : '');
  const next = position?.peopleAhead === 0;
  show(el('people-ahead', HTMLElement), !next);
  show(el('ahead-label', HTMLElement), !next);
  show(el('ahead-soon', HTMLElement), next);
  setText(el('place', HTMLElement), position ? String(position.place) : '–');
  // A lane ticket shows its number within the lane (shared/queue/lanes.ts).
  setText(el('ticket-no', HTMLElement), model.ticketNo === null ? '' : String(model.ticketNo % LANE_SPAN));
  const lane = position?.lane ?? null;
  show(el('lane', HTMLElement), lane !== null);
  setText(el('lane-name', HTMLElement), lane === null ? '' : texts.laneBadge(model.laneNames[lane]?.[language] ?? lane));
  const percent = Math.round((position?.progress ?? 0) * 100);
  const bar = el('progress', HTMLElement);
  bar.setAttribute('aria-valuenow', String(percent));
  bar.setAttribute('aria-valuetext', texts.progressValue(percent));
  el('progress-fill', HTMLElement).style.width = `${percent}%`;
  setText(el('progress-text', HTMLElement), texts.progressValue(percent));
  setText(el('eta', HTMLElement), etaText(model, language, texts));
  const rate = model.eta?.ratePerMinute ?? 0;
  const rateText = texts.rateValue(new Intl.NumberFormat(localeOf(language)).format(shownRate(rate)));
  setText(el('rate', HTMLElement), rate > 0 ? rateText : texts.rateUnknown);
  const change = el('eta-change', HTMLElement);
  show(change, model.etaChange !== null);
  setText(change, etaChangeText(model.etaChange, rateText, texts));
  // Figures of a lost connection are not live: dimmed until a tick comes again, with the time they are from.
  const shown = shownState(model.state);
  el('waiting', HTMLElement).classList.toggle('stale', shown === 'reconnecting' || shown === 'connecting');
  const clock = new Intl.DateTimeFormat(localeOf(language), { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  setText(el('updated', HTMLElement), model.updatedAt === null ? '' : texts.updatedAt(clock.format(model.updatedAt)));
}

export function etaChangeText(change: EtaChange | null, rateText: string, texts: Dictionary): string {
  if (change === 'slower') return texts.etaSlower(rateText);
  return change === 'longer' ? texts.etaLonger : '';
}

function renderProblem(problem: Problem | null, language: Language, texts: Dictionary): void {
  const card = el('problem', HTMLElement);
  show(card, problem !== null);
  if (!problem) return;
  card.className = `card ${problem.stopped ? 'alert' : 'notice'}`;
  card.setAttribute('role', problem.stopped ? 'alert' : 'status');
  const retry = problem.retryAt !== undefined ? ` ${texts.notYet(formatClock(problem.retryAt, language))}` : '';
  setText(el('problem-text', HTMLElement), texts.waitingErrors[problem.code] + retry);
  const button = el('problem-action', HTMLButtonElement);
  show(button, problem.action !== undefined);
  if (problem.action) {
    setText(button, texts[problem.action.label]);
    button.onclick = problem.action.run;
  }
}

/** The problem to show for an SDK error, or null when it needs no words (asked in the birth-date form instead). */
export function problemOf(error: WaitroomError): Omit<Problem, 'action'> | null {
  if (error.outcome === 'needs-birth-date' || error.outcome === 'resuming' || error.outcome === 'renewing') return null;
  return { code: error.code, stopped: error.outcome === 'stopped', ...(error.retryAt !== undefined ? { retryAt: error.retryAt } : {}) };
}
