/**
 * Handing an admitted person over to the booking page: the grant, the secret
 * it is bound to and where to book; nothing more (not the ticket: a link that
 * is shared or leaked must not carry the place in line, issue 13 §3). A booking page on the same origin reads
 * them from storage (the ticket's own entry); one on another origin (a site
 * using protect()) gets them in the URL fragment, which browsers never send
 * to a server, and should strip it once read (readHandoff does).
 */
import { check } from '../../shared/lean/check.js';
import { HANDOFF } from '../../shared/lean/schemas.generated.js';
import { decodePayload, encodePayload } from '../../shared/tokens/format.js';
import { defaultStorage, TicketStore, type KeyValueStorage } from './storage.js';
import type { Handoff } from './stored-shapes.js';

export type { Handoff };

const FRAGMENT_KEY = 'waitroom';

/** The hand-off held in storage for `eventId`, once admitted; null before (or after booking). */
export function storedHandoff(store: TicketStore): Handoff | null {
  const entry = store.load();
  if (!entry?.grant || !entry.bookingUrl || entry.grantExpiresAt === undefined) return null;
  const checked = check<Handoff>(HANDOFF, {
    eventId: entry.eventId,
    ticketNo: entry.ticketNo,
    grant: entry.grant,
    secret: entry.secret,
    bookingUrl: entry.bookingUrl,
    expiresAt: entry.grantExpiresAt,
    serverOffsetMs: entry.serverOffsetMs,
  });
  return checked.ok ? checked.value : null;
}

/** `url` with the hand-off in its fragment, for a booking page on another origin. */
export function withHandoffFragment(url: string, handoff: Handoff, base?: string): string {
  const target = new URL(url, base);
  target.hash = `${FRAGMENT_KEY}=${encodePayload(handoff)}`;
  return target.toString();
}

/** The hand-off in a URL fragment (`#waitroom=…`), or null when there is none or it is damaged. */
export function handoffFromFragment(hash: string): Handoff | null {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get(FRAGMENT_KEY);
  if (!value) return null;
  const checked = check<Handoff>(HANDOFF, decodePayload(value));
  return checked.ok ? checked.value : null;
}

export interface ReadHandoffOptions {
  /** Default: localStorage (as the SDK's default). */
  storage?: KeyValueStorage;
  /** The event to read from storage when the fragment holds nothing; default the page's `?event=`. */
  eventId?: string;
  /** Default: the page's location. */
  location?: Pick<Location, 'hash' | 'href' | 'search'>;
}

/**
 * On a booking page: the hand-off from the fragment (then kept in storage and
 * removed from the address bar, so a reload still finds it and the secret is
 * not left in the URL), else from storage.
 */
export function readHandoff(options: ReadHandoffOptions = {}): Handoff | null {
  const location = options.location ?? globalThis.location;
  const storage = options.storage ?? defaultStorage();
  const eventId = options.eventId ?? (location ? new URLSearchParams(location.search).get('event') : null);
  const fromFragment = location ? handoffFromFragment(location.hash) : null;
  if (fromFragment) {
    const store = new TicketStore(fromFragment.eventId, storage);
    store.save({
      eventId: fromFragment.eventId,
      ticketNo: fromFragment.ticketNo,
      secret: fromFragment.secret,
      joinedAhead: store.load()?.joinedAhead ?? null,
      grant: fromFragment.grant,
      grantExpiresAt: fromFragment.expiresAt,
      bookingUrl: fromFragment.bookingUrl,
      serverOffsetMs: fromFragment.serverOffsetMs,
    });
    globalThis.history?.replaceState(null, '', location.href.replace(/#.*$/, ''));
    return fromFragment;
  }
  return eventId ? storedHandoff(new TicketStore(eventId, storage)) : null;
}
