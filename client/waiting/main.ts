/**
 * The waiting page (`/`): learns the event from the gateway, then holds the
 * person's place through the SDK and shows it; on the turn, alerts and moves
 * to the booking page (/book/). Korean by default, English on request.
 */
import type { EventInfo, GatewayInfo } from '../../shared/http/info.js';
import { loadInfo, pickEvent } from '../common/gateway-info.js';
import { dropEarlySocket, takeEarlySocket } from '../common/early-socket.js';
import { bindLanguageSwitch } from '../common/language-switch.js';
import { el } from '../common/dom.js';
import { dictionaries, formatDuration, pageLanguage, type Dictionary, type Language } from '../i18n/index.js';
// The client itself, not the SDK's index: that also brings the booking API and its schemas, which this page never uses.
import { WaitroomClient } from '../sdk/client.js';
import type { WaitroomError } from '../sdk/index.js';
import { Announcer } from './announcer.js';
import { EtaChangeWatch } from './eta-change.js';
import { askBirthDate, renderCohorts } from './birth-date.js';
import { askLaneCode } from './lane-code.js';
import { bindNotifyButton } from './notify-button.js';
import type { DrawCheck } from './draw-check.js';
import { RecoveryPanel } from './recovery-panel.js';
import { bindPhoneField } from './phone-field.js';
import { notifyIfHidden, playChime, unlockChimeOnGesture } from './turn-alert.js';
import { PageTurnContact } from './turn-contact.js';
import { emptyModel, problemOf, render, shownState, type ProblemAction } from './view.js';

/** Long enough to see "your turn" (and hear the chime), short enough not to waste the grant's minutes. */
const MOVE_TO_BOOKING_AFTER_MS = 3_000;

const model = emptyModel();
const announcer = new Announcer();
const etaWatch = new EtaChangeWatch();
let language: Language = pageLanguage();
let texts: Dictionary = dictionaries[language];
let event: EventInfo | null = null;
let refreshNotify = (): void => undefined;
let drawCheck: DrawCheck | null = null;
let recovery: RecoveryPanel | null = null;

function redraw(): void {
  model.etaChange = etaWatch.current(Date.now());
  render(model, language, texts, Date.now());
  drawCheck?.render(language, texts);
  if (event?.cohorts.length) renderCohorts(event, language, texts);
  refreshNotify();
  recovery?.refresh();
}

bindLanguageSwitch(language, (chosen, chosenTexts) => {
  language = chosen;
  texts = chosenTexts;
  redraw();
});
setInterval(redraw, 1_000); // countdowns and the ETA's clock time

async function main(): Promise<void> {
  model.status = { text: (t) => t.loading };
  redraw();
  const info = await loadInfo((reason) => {
    model.status = { text: (t) => t.infoRetry(reason) };
    redraw();
  });
  const wanted = new URLSearchParams(location.search).get('event');
  event = pickEvent(info, wanted);
  if (!event) {
    dropEarlySocket();
    model.status = { text: (t) => (wanted ? t.unknownEvent(wanted) : t.noEvent) };
    return redraw();
  }
  model.status = null;
  model.title = event.title;
  // Only an event with a pre-queue has a draw to check: its section loads then, outside the page's first bytes.
  if (event.prequeueOpensAt !== null) void loadDrawCheck(event);
  model.laneNames = Object.fromEntries(event.lanes.map(({ id, name }) => [id, name]));
  wait(event, info.turnNotices);
}

async function loadDrawCheck(event: EventInfo): Promise<void> {
  const { DrawCheck } = await import('./draw-check.js');
  drawCheck = new DrawCheck(event, pageStorage(), redraw);
  // What happened while it loaded: the ticket (in the pre-queue or not) and the draw.
  if (model.ticketNo !== null) drawCheck.ownTicket(model.ticketNo, model.prequeue !== null);
  if (model.position) drawCheck.drawn();
  redraw();
}

function wait(current: EventInfo, notices: GatewayInfo['turnNotices']): void {
  const earlySocket = takeEarlySocket();
  const client = new WaitroomClient({
    eventId: current.id,
    needsBirthDate: current.cohorts.length > 0,
    earlySocket,
    birthDate: async (problem) => {
      model.askingBirthDate = true;
      redraw();
      const date = await askBirthDate(problem, () => texts);
      model.askingBirthDate = false;
      redraw();
      return date;
    },
  });
  const booked = client.stored()?.booked;
  if (booked) {
    earlySocket?.socket.close(1000); // nothing to wait for
    model.booked = booked;
    return redraw();
  }
  const actions: Record<ProblemAction['label'], ProblemAction> = {
    joinAgain: { label: 'joinAgain', run: () => ((model.problem = null), client.restart(), redraw()) },
    useThisTab: { label: 'useThisTab', run: () => location.reload() },
    reload: { label: 'reload', run: () => location.reload() },
  };

  client.on('state', (state) => {
    model.state = state;
    if (state.state !== 'prequeue') model.prequeue = null;
    redraw();
    // Admitted, the client closes the connection on purpose just before it reports the turn: not "not connected".
    if (state.state === 'closed' && client.handoff()) return;
    announcer.state(shownState(state), el('connection-state', HTMLElement).textContent ?? '');
  });
  recovery = new RecoveryPanel(client, () => texts);
  client.on('ticket', ({ ticketNo }) => {
    model.ticketNo = ticketNo;
    drawCheck?.ownTicket(ticketNo, false);
    recovery?.ticket(ticketNo);
    const passing = model.problem?.retryAt !== undefined || model.problem?.code === 'STORE_UNAVAILABLE' || model.problem?.code === 'INTERNAL';
    if (passing || model.problem?.code.startsWith('POW_')) model.problem = null; // "checking this browser…" is over too
    redraw();
  });
  client.on('prequeue', ({ waiting }) => {
    model.prequeue = { opensAt: current.opensAt, timeZone: current.timeZone, waiting };
    if (model.ticketNo !== null) drawCheck?.ownTicket(model.ticketNo, true);
    redraw();
  });
  client.on('position', (position) => {
    model.position = position;
    drawCheck?.drawn();
    model.updatedAt = Date.now();
    redraw();
    announcer.ahead(position.peopleAhead, texts.announceAhead(position.peopleAhead));
  });
  client.on('eta', (eta) => {
    model.eta = eta;
    const change = etaWatch.update(eta.seconds, eta.ratePerMinute, Date.now());
    redraw();
    if (change) announcer.now(el('eta-change', HTMLElement).textContent ?? '');
  });
  client.on('notice', ({ text, en }) => {
    model.notice = { text, en: en ?? null };
    redraw();
    if (text) announcer.now(texts.announceNotice(language === 'en' && en ? en : text));
  });
  client.on('error', (error) => {
    const problem = problemOf(error);
    if (!problem) return;
    model.problem = { ...problem, ...actionFor(error, actions) };
    redraw();
    announcer.now(el('problem-text', HTMLElement).textContent ?? '');
  });
  client.on('admitted', ({ expiresAt }) => {
    const offset = client.handoff()?.serverOffsetMs ?? 0;
    model.turnEndsAt = expiresAt - offset;
    model.problem = null;
    redraw();
    playChime();
    void notifyIfHidden(texts.turnHeading, texts.turnNotification, `waitroom-turn-${current.id}`);
    announcer.now(texts.announceTurn(formatDuration((expiresAt - offset - Date.now()) / 1000, texts)));
    el('go-booking', HTMLButtonElement).onclick = () => client.goToBooking();
    setTimeout(() => client.goToBooking(), MOVE_TO_BOOKING_AFTER_MS);
  });
  const contact = new PageTurnContact(client, () => language);
  refreshNotify = bindNotifyButton({
    texts: () => texts,
    vapidPublicKey: notices?.vapidPublicKey,
    subscribed: (subscription) => contact.setPush(subscription),
  });
  if (notices?.phone) bindPhoneField(contact, () => texts);
  unlockChimeOnGesture();
  redraw();
  // An event with priority lanes asks for a code before a new join (`?code=` fills it in); a stored ticket resumes at once.
  if (current.lanes.length > 0 && !client.stored()?.ticket) {
    earlySocket?.socket.close(1000); // the person may take a while: the client opens its own socket after
    model.askingLaneCode = true;
    redraw();
    void askLaneCode(new URLSearchParams(location.search).get('code') ?? '').then((code) => {
      model.askingLaneCode = false;
      client.setLaneCode(code);
      client.start();
    });
    return;
  }
  client.start();
}

function actionFor(error: WaitroomError, actions: Record<ProblemAction['label'], ProblemAction>): { action?: ProblemAction } {
  if (error.outcome !== 'stopped') return {};
  switch (error.code) {
    case 'GRANT_EXPIRED':
    case 'TICKET_REVOKED':
      return { action: actions.joinAgain };
    case 'SUPERSEDED':
      return { action: actions.useThisTab };
    case 'CONNECTION_CLOSED':
    case 'PROTOCOL_VIOLATION':
      return { action: actions.reload };
    default:
      return {};
  }
}

/** localStorage, or null where the browser blocks it (the draw check then keeps nothing between visits). */
function pageStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

void main();
