/**
 * The gateway serves the built pages fit for slow networks (issue 16 §5), on
 * both transports: the build's brotli and gzip variants by Accept-Encoding
 * (decompressing to the very bytes of the file), Vary, a strong ETag and 304
 * for un-hashed files (pages, /sdk/waitroom.js), immutable for hashed assets,
 * and still nothing outside dist/client.
 */
import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPagesIfStale } from '../../server/main/build-pages.js';
import { rawGet } from '../support/raw-http.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { TRANSPORTS_HERE } from '../support/transports.js';

const built = (path: string): Buffer => readFileSync(`dist/client${path}`);

describe.each(TRANSPORTS_HERE)('static files over %s', (transport) => {
  let system: TestSystem;
  let base: string;
  let hashedScript: string;

  beforeAll(async () => {
    await buildPagesIfStale();
    system = await startTestSystem({ transport });
    base = system.gatewayUrl!;
    hashedScript = /src="(\/assets\/[^"]+\.js)"/.exec(built('/index.html').toString())![1]!;
  }, 60_000);
  afterAll(() => system?.stop());

  it('serves brotli when accepted, with the headers a cache needs, decompressing to the file', async () => {
    const answer = await rawGet(`${base}/`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.headers['vary']).toBe('Accept-Encoding');
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-cache');
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    expect(brotliDecompressSync(answer.body).equals(built('/index.html'))).toBe(true);
    expect(answer.body.length).toBeLessThan(built('/index.html').length / 2);
  });

  it('serves gzip to a client without brotli, and the file itself to one that takes neither', async () => {
    const gzip = await rawGet(`${base}${hashedScript}`, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(Number(gzip.headers['content-length'])).toBe(gzip.body.length);
    expect(gunzipSync(gzip.body).equals(built(hashedScript))).toBe(true);

    const refusesBrotli = await rawGet(`${base}${hashedScript}`, { 'accept-encoding': 'br;q=0, gzip' });
    expect(refusesBrotli.headers['content-encoding']).toBe('gzip');

    const plain = await rawGet(`${base}${hashedScript}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['vary']).toBe('Accept-Encoding');
    expect(plain.body.equals(built(hashedScript))).toBe(true);
  });

  it('marks content-hashed assets immutable for a year', async () => {
    const answer = await rawGet(`${base}${hashedScript}`, { 'accept-encoding': 'br' });
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers 304 with no body when If-None-Match names the ETag of the variant asked for', async () => {
    for (const path of ['/', '/sdk/waitroom.js', '/kiosk/']) {
      const first = await rawGet(`${base}${path}`, { 'accept-encoding': 'br' });
      const etag = first.headers['etag'] as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}-br"$/);
      expect(first.headers['cache-control']).toBe('no-cache');

      const again = await rawGet(`${base}${path}`, { 'accept-encoding': 'br', 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers['etag']).toBe(etag);
      expect(again.headers['vary']).toBe('Accept-Encoding');

      // Another representation (gzip) has another tag: the brotli one does not validate it.
      const other = await rawGet(`${base}${path}`, { 'accept-encoding': 'gzip', 'if-none-match': etag });
      expect(other.status).toBe(200);
      expect(other.headers['content-encoding']).toBe('gzip');
    }
    const stale = await rawGet(`${base}/`, { 'if-none-match': '"not-this-one"' });
    expect(stale.status).toBe(200);
  });

  it('still refuses paths outside dist/client', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json']) {
      const answer = await rawGet(`${base}${path}`, { 'accept-encoding': 'br' });
      expect(answer.status, path).toBe(404);
    }
  });
});
