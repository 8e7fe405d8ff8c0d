/**
 * Oversized request heads at the gateway, over raw sockets, on both
 * transports: a head over gateway.maxHeaderBytes is answered 431 with a short
 * JSON body and the connection closed, on a page route and on the WebSocket
 * upgrade; one just under it is served. On uws, uWS's own compiled-in limits
 * close the connection without an answer (header-limit.ts): that is checked
 * too, so a change of uWS build that alters it is noticed.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { TRANSPORTS_HERE } from '../support/transports.js';

const MAX_HEADER_BYTES = 8192;
const UPGRADE = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

interface Exchange {
  answer: string;
  /** From the last byte sent to the close. */
  closedAfterMs: number;
}

/**
 * Sends `text` (in pieces of `piece` bytes, 10 ms apart) and reads until the server closes (or 5 s pass: null).
 * One that does not `read` never sees the server's FIN; it keeps sending a byte every 200 ms instead.
 */
function exchange(port: number, text: string, piece = text.length, read = true): Promise<Exchange | null> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let sentAt = Date.now();
    const timer = setTimeout(() => (socket.destroy(), resolve(null)), 5000);
    if (read) socket.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => {}); // a reset is a close too
    socket.once('close', () => (clearTimeout(timer), resolve({ answer, closedAfterMs: Date.now() - sentAt })));
    socket.once('connect', async () => {
      for (let at = 0; at < text.length && !socket.destroyed; at += piece) {
        socket.write(text.slice(at, at + piece));
        sentAt = Date.now();
        if (at + piece < text.length) await new Promise((wait) => setTimeout(wait, 10));
      }
      if (read) return;
      const more = setInterval(() => (socket.writable ? socket.write('a') : clearInterval(more)), 200);
      socket.once('close', () => clearInterval(more));
    });
  });
}

/** A GET of `path` whose head is `bytes` long, padded with one X-Pad header. */
function request(path: string, bytes: number, extra = ''): string {
  const start = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${extra}X-Pad: `;
  return `${start}${'a'.repeat(bytes - start.length - 4)}\r\n\r\n`;
}

describe.each(TRANSPORTS_HERE)('request head limit on %s', (transport) => {
  let system: TestSystem;
  let port: number;
  beforeAll(async () => {
    system = await startTestSystem({ transport, gateway: { maxHeaderBytes: MAX_HEADER_BYTES } });
    port = Number(new URL(system.wsUrl).port);
  });
  afterAll(() => system.stop());

  it.each([
    ['a page route', '/healthz', ''],
    ['the WebSocket upgrade', '/ws', UPGRADE],
  ])('answers a 20 KB head on %s with 431 HEADERS_TOO_LARGE and closes', async (_, path, extra) => {
    const result = await exchange(port, request(path, 20_000, extra));
    expect(result, 'the connection stayed open').not.toBeNull();
    expect(result!.answer).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    const [head, body] = result!.answer.split('\r\n\r\n');
    expect(head!.toLowerCase()).toContain('content-type: application/json');
    expect(JSON.parse(body!)).toMatchObject({ error: { code: 'HEADERS_TOO_LARGE' } });
    expect(body!.length).toBeLessThan(200);
    expect(result!.closedAfterMs).toBeLessThan(2000);
  });

  it('closes the connection of a client that neither reads its 431 nor closes', async () => {
    const result = await exchange(port, request('/healthz', 20_000), 20_000, false);
    expect(result, 'the connection stayed open').not.toBeNull();
    expect(result!.closedAfterMs).toBeLessThan(3000);
  });

  it('serves a head just under the limit', async () => {
    const result = await exchange(port, request('/healthz', MAX_HEADER_BYTES - 200));
    expect(result!.answer).toMatch(/^HTTP\/1\.1 200 /);
  });

  if (transport === 'uws') {
    it('(uWS limitation) closes a head over 4 KiB that arrives in pieces at once, without an answer', async () => {
      const result = await exchange(port, request('/healthz', 6000), 1024);
      expect(result, 'the connection stayed open').not.toBeNull();
      expect(result!.answer).toBe('');
      expect(result!.closedAfterMs).toBeLessThan(2000);
    });
  } else {
    it('answers a head over the limit that arrives in pieces with 431 too', async () => {
      const result = await exchange(port, request('/healthz', 20_000), 1024);
      expect(result!.answer).toMatch(/^HTTP\/1\.1 431 /);
    });
  }
});
