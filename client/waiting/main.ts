/**
 * The waiting page: learn the event from the gateway, then either wait in
 * line (live place, ETA, progress), book (when admitted) or show the booking.
 * What is stored in localStorage decides where a refresh lands.
 */
import { openBooking } from '../booking/form.js';
import { readGrantClaims } from '../../shared/tokens/claims.js';
import { el, setText } from '../common/dom.js';
import { loadInfo, pickEvent } from './info.js';
import { startWaiting } from './session.js';
import { TicketStore } from './storage.js';
import type { StoredTicket } from './storage.js';
import * as view from './view.js';

async function main(): Promise<void> {
  const info = await loadInfo((reason) => view.showNotice(`Could not load the event details (${reason}). Retrying…`));
  view.clearNotice();
  const wanted = new URLSearchParams(location.search).get('event');
  const event = pickEvent(info, wanted);
  if (!event) {
    view.showNotice(wanted ? `There is no event "${wanted}".` : 'No event is open for booking right now.');
    return;
  }
  view.setTitle(event.title);
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
  startWaiting({ eventId: event.id, opensAt: event.opensAt, store, onAdmitted: book, rejoin });
}

void main();
