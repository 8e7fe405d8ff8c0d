/** Where the SDK connects and where it sends people, from the options a site gives. */

export class WaitroomOptionsError extends Error {
  readonly code = 'WAITROOM_INVALID_OPTIONS';
}

/** Protocol event ids (shared/protocol/messages.ts). */
const EVENT_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function checkEventId(eventId: unknown): string {
  if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) {
    throw new WaitroomOptionsError(`eventId must be 1–64 characters of a-z, 0-9 and "-" (got ${JSON.stringify(eventId)})`);
  }
  return eventId;
}

/**
 * The WebSocket URL of a gateway given as its page URL (https://queue.example.org,
 * also under a path: …/queue) or directly as ws(s)://…/ws; default: this page's origin.
 */
export function gatewaySocketUrl(gateway: string | undefined): string {
  const base = gateway ?? globalThis.location?.origin;
  if (!base) throw new WaitroomOptionsError('gateway is required outside a browser page (e.g. "https://queue.example.org")');
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new WaitroomOptionsError(`gateway is not a URL: ${JSON.stringify(base)}`);
  }
  if (url.protocol === 'ws:' || url.protocol === 'wss:') return url.toString();
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WaitroomOptionsError(`gateway must be http(s) or ws(s): ${base}`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
  url.search = '';
  url.hash = '';
  return url.toString();
}
