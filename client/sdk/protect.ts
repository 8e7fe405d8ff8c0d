/**
 * The one call for a site that puts Waitroom in front of its own booking
 * page: a small waiting overlay over the site's page, and, on the person's
 * turn, the move to `bookingUrl` with the grant handed over (readHandoff()
 * on that page reads it).
 *
 *     <script src="https://queue.example.org/sdk/waitroom.js"></script>
 *     <script>Waitroom.protect({ gateway: 'https://queue.example.org', eventId: 'vaccine-53-54', bookingUrl: '/booking' })</script>
 */
import { chooseLanguage, dictionaries, formatDuration, type Language } from '../i18n/index.js';
import { WaitroomClient, type WaitroomClientOptions } from './client.js';
import type { WaitroomError } from './events.js';
import { WaitroomOptionsError } from './urls.js';

export interface ProtectOptions extends Pick<WaitroomClientOptions, 'gateway' | 'eventId' | 'storage' | 'birthDate' | 'needsBirthDate'> {
  /** The site's booking page; it receives the hand-off in its URL fragment. */
  bookingUrl: string;
  /** Default: English for a browser set to English, else Korean. */
  lang?: Language;
  /** Where the overlay goes; default document.body. */
  container?: HTMLElement;
}

export interface Protection {
  client: WaitroomClient;
  /** Removes the overlay and closes the connection (the place is kept). */
  close(): void;
}

const OVERLAY_STYLE =
  'position:fixed;inset:0;z-index:2147483647;display:flex;align-items:center;justify-content:center;background:rgba(18,58,94,0.94);' +
  "font-family:system-ui,-apple-system,'Apple SD Gothic Neo','Malgun Gothic','Noto Sans KR','NanumGothic',sans-serif;color:#17212b;line-height:1.5";
const CARD_STYLE =
  'box-sizing:border-box;background:#fff;border-radius:12px;width:calc(100% - 2rem);max-width:26rem;padding:1.5rem;text-align:center;box-shadow:0 8px 30px rgba(0,0,0,0.3)';

function part(tag: string, style = ''): HTMLElement {
  const node = document.createElement(tag);
  node.style.cssText = `margin:0.4rem 0;${style}`;
  return node;
}

export function protect(options: ProtectOptions): Protection {
  if (typeof options.bookingUrl !== 'string' || options.bookingUrl === '')
    throw new WaitroomOptionsError('bookingUrl is required: the page people go to when admitted');
  const language = options.lang ?? chooseLanguage({ query: null, stored: null, browser: globalThis.navigator?.language });
  const texts = dictionaries[language];
  const client = new WaitroomClient(options);

  const overlay = part('div', OVERLAY_STYLE);
  overlay.setAttribute('role', 'dialog');
  overlay.setAttribute('aria-modal', 'true');
  const card = part('div', CARD_STYLE);
  const title = part('h2', 'font-size:1.3rem');
  title.textContent = texts.waitingRoom;
  const label = part('p', 'color:#4a5663');
  label.textContent = texts.peopleAheadLabel;
  const ahead = part('p', 'font-size:3.5rem;font-weight:700;font-variant-numeric:tabular-nums;line-height:1.1');
  ahead.textContent = '–';
  const eta = part('p');
  const status = part('p', 'font-weight:600');
  status.setAttribute('aria-live', 'polite');
  const keep = part('p', 'font-size:0.9rem;color:#4a5663');
  keep.textContent = texts.keepPlace;
  const action = part('button', 'font:inherit;font-weight:600;padding:0.6rem 1rem;border-radius:8px;border:0;background:#0b5cab;color:#fff;cursor:pointer');
  action.hidden = true;
  card.append(title, label, ahead, eta, status, keep, action);
  overlay.append(card);
  (options.container ?? document.body).append(overlay);

  client.on('state', ({ state, queue }) => {
    const shown = state === 'open' ? 'connected' : state;
    status.textContent = shown === 'closed' ? (queue === 'closed' ? texts.states.eventClosed : texts.states.connectionClosed) : texts.states[shown];
  });
  client.on('position', ({ peopleAhead }) => (ahead.textContent = String(peopleAhead)));
  client.on('eta', ({ seconds }) => (eta.textContent = seconds === null ? '' : `${texts.etaLabel}: ${formatDuration(seconds, texts)}`));
  client.on('notice', ({ text, en }) => (title.textContent = text ? `${texts.noticeHeading}: ${language === 'en' && en ? en : text}` : texts.waitingRoom));
  client.on('error', (error: WaitroomError) => {
    if (error.outcome === 'needs-birth-date' || error.outcome === 'resuming' || error.outcome === 'renewing') return;
    status.textContent = texts.waitingErrors[error.code];
    const canRejoin = error.outcome === 'stopped' && (error.code === 'GRANT_EXPIRED' || error.code === 'TICKET_REVOKED');
    action.hidden = !canRejoin;
    action.textContent = texts.joinAgain;
    action.onclick = () => ((action.hidden = true), client.restart());
  });
  client.on('admitted', () => {
    status.textContent = texts.turnHeading;
    client.goToBooking(options.bookingUrl);
  });
  client.start();
  return {
    client,
    close: () => {
      client.stop();
      overlay.remove();
    },
  };
}
