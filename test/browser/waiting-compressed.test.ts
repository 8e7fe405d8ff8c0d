/**
 * The waiting page through the gateway's compression and caching (issue 16
 * §5), in headless Chromium: every script, the stylesheet and the HTML come
 * brotli-compressed, the lean decoder and msgpack-lite hold the place (ticket
 * number and people ahead shown, no page errors), and a second visit
 * revalidates the HTML with its ETag (304) while the hashed assets come from
 * the cache without asking.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Response } from 'playwright-core';
import { launchBrowser, newContext, pageErrors, PHONE } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { hook, joinAhead } from './waiting-support.js';
import type { TestClient } from '../support/ws-client.js';

let browser: Browser;
let system: TestSystem;
let ahead: TestClient[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({ events: [testEvent({ maxActive: 1 })] });
  await system.stores.queue.setPaused('ev', true);
}, 120_000);

afterAll(async () => {
  await Promise.all(ahead.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
});

it('holds a place on brotli-compressed pages, and revalidates only the HTML on a second visit', async () => {
  ahead = await joinAhead(system.wsUrl, 2);
  const context = await newContext(browser, { viewport: PHONE });
  const page = await context.newPage();
  const errors = pageErrors(page);
  const responses: Response[] = [];
  page.on('response', (response) => responses.push(response));

  await page.goto(`${system.gatewayUrl}/?event=ev`);
  await expect.poll(() => hook(page, 'ticket-no'), { timeout: 10_000 }).toBe('3');
  await expect.poll(() => hook(page, 'people-ahead')).toBe('2');

  const pageFiles = responses.filter((response) => /^\/($|assets\/)/.test(new URL(response.url()).pathname));
  expect(pageFiles.filter((r) => r.url().endsWith('.js')).length).toBeGreaterThan(1);
  for (const response of pageFiles) {
    const headers = await response.allHeaders();
    // Files under 1 KB are not precompressed (server/main/precompress.ts).
    if (Number(headers['content-length']) >= 1024 || headers['content-encoding']) {
      expect(headers['content-encoding'], response.url()).toBe('br');
      expect(headers['vary'], response.url()).toBe('Accept-Encoding');
    }
    expect(headers['etag'], response.url()).toMatch(/^"/);
  }
  const html = pageFiles.find((r) => new URL(r.url()).pathname === '/')!;
  expect((await html.allHeaders())['content-encoding']).toBe('br');

  // The second visit: the HTML is revalidated (If-None-Match → 304); hashed assets are not asked for at all.
  responses.length = 0;
  const asked: string[] = [];
  const wire = new Map<string, { status: number; ifNoneMatch: string | undefined }>();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  // The raw exchange (the ExtraInfo events): what Chromium sent and what the gateway answered, before the cache.
  const paths = new Map<string, string>();
  const sent = new Map<string, string | undefined>();
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => paths.set(requestId, new URL(request.url).pathname));
  cdp.on('Network.requestWillBeSentExtraInfo', ({ requestId, headers }) => sent.set(requestId, headers['if-none-match'] ?? headers['If-None-Match']));
  cdp.on('Network.responseReceivedExtraInfo', ({ requestId, statusCode }) => {
    const path = paths.get(requestId);
    if (path) wire.set(path, { status: statusCode, ifNoneMatch: sent.get(requestId) });
  });
  page.on('request', (request) => asked.push(new URL(request.url()).pathname));
  await page.goto(`${system.gatewayUrl}/?event=ev`);
  await expect.poll(() => hook(page, 'people-ahead'), { timeout: 10_000 }).toBe('2');
  // Playwright shows the cached 200; DevTools sees what the gateway answered.
  expect(wire.get('/')).toEqual({ status: 304, ifNoneMatch: (await html.allHeaders())['etag'] });
  expect(asked.filter((path) => path.startsWith('/assets/')).length).toBeGreaterThan(1); // the page used them…
  expect([...wire.keys()].filter((path) => path.startsWith('/assets/'))).toEqual([]); // …from the cache, without asking
  expect(errors).toEqual([]);
  await context.close();
});
