/**
 * The kiosk display (`/kiosk/?event=ID&center=CID`, or `?center=CID` alone): polls /api/kiosk every
 * 2 s and shows the queue and the centre's remaining slots, Korean first.
 * Runs unattended for days: a failed poll keeps the last data on screen,
 * marked stale, and retries forever with capped jittered backoff.
 *
 * `window.__kiosk.apply(body)` runs one answer through the same checks and
 * rendering as a poll does; the memory test drives it 10,000 times.
 */
import './kiosk.css';
import type { BackoffOptions } from '../../shared/reconnect/backoff.js';
import { asRequestError, fetchJson } from '../common/fetch-json.js';
import { KioskResponse } from '../../shared/http/kiosk.js';
import { readAnswer } from '../common/read-answer.js';
import { startPollLoop } from '../common/poll-loop.js';
import { KioskView } from './view.js';

const POLL_MS = 2000;
/** A stuck request counts as a failure well before the next poll would have started. */
const TIMEOUT_MS = 5000;
/** First retry within 1 s, then doubling up to 30 s: a returning server sees the kiosks spread out. */
const KIOSK_RETRY: BackoffOptions = { baseMs: 1000, maxMs: 30_000 };

declare global {
  interface Window {
    __kiosk?: { apply(body: unknown): void };
  }
}

const view = new KioskView();

function apply(body: unknown): void {
  view.render(readAnswer(KioskResponse, body, 'kiosk data'), Date.now());
}

/**
 * `?event=` and `?center=` pass through as given; the gateway picks the first
 * live event with that centre when `event` is left out, and the event's first
 * centre when `center` is: a kiosk can be set up with `?center=` alone.
 */
function kioskUrl(search: string): string {
  const given = new URLSearchParams(search);
  const query = new URLSearchParams();
  for (const name of ['event', 'center']) {
    const value = given.get(name);
    if (value) query.set(name, value);
  }
  const text = query.toString();
  return text ? `/api/kiosk?${text}` : '/api/kiosk';
}

const url = kioskUrl(location.search);
window.__kiosk = { apply };
startPollLoop({
  intervalMs: POLL_MS,
  backoff: KIOSK_RETRY,
  run: async () => apply(await fetchJson(url, { timeoutMs: TIMEOUT_MS })),
  onFailure: (error, retryInMs) => view.showFailure(asRequestError(error), retryInMs, Date.now()),
});
// One timer for the page's lifetime: the clock, and how old stale data is.
setInterval(() => view.tick(Date.now()), 1000);
