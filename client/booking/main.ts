/**
 * The booking page (`/book/?event=ID`): reads the grant and secret handed
 * over by the waiting page (or a site using protect()), shows the grant's
 * remaining time and the live availability, books, and shows the reference.
 */
import { loadInfo, pickEvent } from '../common/gateway-info.js';
import { bindLanguageSwitch } from '../common/language-switch.js';
import { el, setText, show } from '../common/dom.js';
import { applyTexts, dictionaries, formatClock, formatCountdown, pageLanguage, type Dictionary, type Language } from '../i18n/index.js';
import {
  book,
  defaultStorage,
  fetchAvailability,
  GRANT_FINISHED_CODES,
  readHandoff,
  TicketStore,
  type Availability,
  type BookingFailureCode,
  type Handoff,
} from '../sdk/index.js';
import { focusField, readForm, type Field } from './form.js';
import { renderConfirmation, type Booked } from './confirmation.js';
import { renderSlots } from './slots.js';

/** Availability is informational (the commit enforces capacity); every few seconds keeps it honest. */
const AVAILABILITY_EVERY_MS = 5_000;

interface BookingModel {
  title: { ko: string; en: string } | null;
  availability: Availability | null;
  availabilityAt: number | null;
  availabilityFailed: boolean;
  status: { kind: 'busy' } | { kind: 'hint'; field: Field } | { kind: 'error'; code: BookingFailureCode } | null;
  /** The grant can no longer book: why. */
  closed: BookingFailureCode | 'RAN_OUT' | null;
  /** Once booked: the reference (all details when booked on this visit). */
  booked: Booked | null;
}

const storage = defaultStorage();
const eventId = new URLSearchParams(location.search).get('event');
const handoff = readHandoff({ storage, ...(eventId ? { eventId } : {}) });
const store = handoff || eventId ? new TicketStore(handoff?.eventId ?? eventId ?? '', storage) : null;
let language: Language = pageLanguage();
let texts: Dictionary = dictionaries[language];
const bookedBefore = store?.load()?.booked;
const model: BookingModel = {
  title: null,
  availability: null,
  availabilityAt: null,
  availabilityFailed: false,
  status: null,
  closed: null,
  booked: bookedBefore ? { reference: bookedBefore } : null,
};

function statusText(status: BookingModel['status']): string {
  if (!status) return '';
  if (status.kind === 'busy') return texts.booking;
  if (status.kind === 'hint') return texts.fieldHints[status.field];
  return texts.bookingErrors[status.code];
}

function render(): void {
  applyTexts(document, texts);
  const title = model.title?.[language] ?? texts.bookHeading;
  setText(el('event-title', HTMLElement), title);
  document.title = `${title} – ${texts.bookHeading}`;
  show(el('no-handoff', HTMLElement), !handoff && !model.booked);
  show(el('booking', HTMLElement), handoff !== null && !model.booked && !model.closed);
  show(el('closed', HTMLElement), model.closed !== null && !model.booked);
  if (model.closed) setText(el('closed-text', HTMLElement), model.closed === 'RAN_OUT' ? texts.grantRanOut : texts.bookingErrors[model.closed]);
  if (handoff) setText(el('grant-left', HTMLElement), formatCountdown(handoff.expiresAt - (Date.now() + handoff.serverOffsetMs)));
  renderSlots(model.availability, texts);
  setText(
    el('slots-status', HTMLElement),
    model.availabilityFailed ? texts.slotsFailed : model.availabilityAt ? texts.slotsUpdated(formatClock(model.availabilityAt, language)) : '',
  );
  const status = el('booking-status', HTMLElement);
  setText(status, statusText(model.status));
  status.dataset.kind = model.status?.kind ?? '';
  el('book', HTMLButtonElement).disabled = model.status?.kind === 'busy';
  show(el('done', HTMLElement), model.booked !== null);
  if (model.booked) renderConfirmation(model.booked, model.availability, language, texts);
}

async function refreshAvailability(current: Handoff): Promise<void> {
  try {
    model.availability = await fetchAvailability(current.bookingUrl);
    model.availabilityAt = Date.now();
    model.availabilityFailed = false;
  } catch (error) {
    console.warn('waitroom: availability', error);
    model.availabilityFailed = true;
  }
  render();
}

async function submit(current: Handoff): Promise<void> {
  const form = readForm();
  if (!form.ok) {
    model.status = { kind: 'hint', field: form.field };
    render();
    return focusField(form.field);
  }
  model.status = { kind: 'busy' };
  render();
  const result = await book(current, { person: form.person, ...form.choice });
  if (result.ok) {
    store?.update({ booked: result.booking.reference, grant: undefined, grantExpiresAt: undefined, bookingUrl: undefined });
    model.booked = result.booking;
    model.status = null;
  } else if (GRANT_FINISHED_CODES.has(result.code)) {
    model.closed = result.code;
    model.status = null;
  } else {
    model.status = { kind: 'error', code: result.code };
    if (result.code === 'SLOT_FULL' || result.code === 'UNKNOWN_SLOT') void refreshAvailability(current);
  }
  render();
  answerFocus(result.ok);
}

/**
 * After a submit the focus goes to what answered it, so a keyboard or screen-reader user lands there (not on the
 * body the disabled button left it to): the confirmation's heading, said in the live region too, or the refusal.
 */
function answerFocus(booked: boolean): void {
  if (booked && model.booked) {
    setText(el('booking-announcer', HTMLElement), texts.announceBooked(model.booked.reference));
    return el('done-heading', HTMLElement).focus();
  }
  el(model.closed ? 'closed-text' : 'booking-status', HTMLElement).focus();
}

function start(current: Handoff): void {
  el('booking-form', HTMLFormElement).onsubmit = (event) => {
    event.preventDefault();
    void submit(current);
  };
  el('center', HTMLSelectElement).onchange = () => render();
  el('reload-slots', HTMLButtonElement).onclick = () => void refreshAvailability(current);
  el('birth-date', HTMLInputElement).max = new Date().toISOString().slice(0, 10);
  const timer = setInterval(() => {
    if (model.booked) return clearInterval(timer);
    if (!model.closed && handoff && handoff.expiresAt <= Date.now() + handoff.serverOffsetMs) model.closed = 'RAN_OUT';
    render();
  }, 1_000);
  const poll = setInterval(() => (model.booked || model.closed ? clearInterval(poll) : void refreshAvailability(current)), AVAILABILITY_EVERY_MS);
  void refreshAvailability(current);
}

const waitingUrl = `/?event=${encodeURIComponent(handoff?.eventId ?? eventId ?? '')}`;
el('waiting-link', HTMLAnchorElement).href = waitingUrl;
el('join-again', HTMLButtonElement).onclick = () => {
  store?.clear();
  location.assign(waitingUrl);
};
bindLanguageSwitch(language, (chosen, chosenTexts) => {
  language = chosen;
  texts = chosenTexts;
  render();
});
if (handoff && !model.booked) start(handoff);
// The title is a nicety: the page works without the gateway (booking talks to the reservation handler).
void loadInfo(() => undefined).then((info) => {
  model.title = pickEvent(info, handoff?.eventId ?? eventId)?.title ?? null;
  render();
});
render();
