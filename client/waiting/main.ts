/**
 * The waiting page: learn the event from the gateway, then either wait in
 * line (live place, ETA, progress), book (when admitted) or show the booking.
 * What is stored in localStorage decides where a refresh lands.
 */
import { openBooking } from '../booking/form.js';
import { readGrantClaims } from '../../shared/tokens/claims.js';
import { el, setText } from '../common/dom.js';
import { loadInfo, pickEvent, type EventInfo } from './info.js';
import { startWaiting } from './session.js';
import { TicketStore } from './storage.js';
import type { StoredTicket } from './storage.js';
import * as view from './view.js';

/** Who may join, for the birth-date question; null when anyone may. */
function birthDateHelp(event: EventInfo): string | null {
  if (event.cohorts.length === 0) return null;
  const ranges = event.cohorts.map((c) => `${c.label.en}: born ${c.born.from} to ${c.born.to}, from ${view.formatLocalTime(c.opensAt, event.timeZone)}`);
  return `This booking is for people born in certain years. Enter your birth date to join. ${ranges.join('; ')}.`;
}

async function main(): Promise<void> {
  const info = await loadInfo((reason) => view.showNotice(`Could not load the event details (${reason}). Retrying…`));
  view.clearNotice();
  const wanted = new URLSearchParams(location.search).get('event');
  const event = pickEvent(info, wanted);
  if (!event) {
    view.showNotice(wanted ? `There is no event "${wanted}".` : 'No event is open for booking right now.');
    return;
  }
  view.setTitle(event.title.en);
  view.setEventState(event.state);

  const store = new TicketStore(event.id);
  const rejoin = (): void => {
    store.clear();
    location.reload();
  };
  const showBooked = (reference: string): void => {
    setText(el('reference', HTMLElement), reference);
    view.clearNotice();
    view.showSection('done');
  };
  const book = (entry: StoredTicket): void => {
    if (!entry.grant) return;
    openBooking({
      reservationsUrl: info.reservationsUrl,
      eventId: event.id,
      grant: entry.grant,
      secret: entry.secret,
      rejoin,
      onBooked: (reference) => {
        store.update({ grant: undefined, booked: reference });
        showBooked(reference);
      },
    });
  };

  const saved = store.load();
  if (saved?.booked) return showBooked(saved.booked);
  // A grant still valid books straight away, even if the gateway is unreachable;
  // an expired one is resumed so the server can say what happened to it.
  if (saved?.grant && (readGrantClaims(saved.grant)?.exp ?? 0) > Date.now()) return book(saved);
  startWaiting({ eventId: event.id, opensAt: event.opensAt, timeZone: event.timeZone, birthDateHelp: birthDateHelp(event), store, onAdmitted: book, rejoin });
}

void main();
