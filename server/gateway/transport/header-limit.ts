/**
 * One request-header limit for both transports (gateway.maxHeaderBytes): a
 * request whose request line and headers are larger is answered 431 with a
 * short JSON body and its connection closed, on the page routes and the
 * WebSocket upgrade alike.
 *
 * uWS (v20.30, the build we depend on) has limits of its own, fixed when it
 * was compiled, and no hook to answer them: it closes the connection without
 * a word when a header that arrives in more than one read passes its 4 KiB
 * buffer, or when a request has more than about 50 headers. Over a real
 * network a header over ~4 KiB arrives in several reads, so on uws that is
 * the limit clients meet; maxHeaderBytes is checked on what uWS lets through.
 */
import { STATUS_CODES } from 'node:http';
import type { HttpResponse } from './types.js';

export const HEADERS_TOO_LARGE = 'HEADERS_TOO_LARGE';

const BODY = JSON.stringify({ error: { code: HEADERS_TOO_LARGE, message: 'the request headers are too large (gateway.maxHeaderBytes)' } });

/** The answer, for a transport that writes HttpResponse (the connection is closed after it). */
export const headersTooLarge: HttpResponse = { status: 431, headers: { 'content-type': 'application/json' }, body: BODY };

/** The same answer as raw bytes, for a socket the HTTP parser gave up on. */
export const HEADERS_TOO_LARGE_RAW = `HTTP/1.1 431 ${STATUS_CODES[431]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(BODY)}\r\nconnection: close\r\n\r\n${BODY}`;

/** The bytes of a request's head as sent: request line and `name: value\r\n` lines (as Node's maxHeaderSize counts). */
export function headBytes(method: string, url: string, headers: Iterable<[string, string]>): number {
  let size = method.length + url.length + 12; // " ", " HTTP/1.1\r\n"
  for (const [name, value] of headers) size += name.length + value.length + 4;
  return size + 2;
}
