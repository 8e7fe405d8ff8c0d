/**
 * A site embedding Waitroom with the one call: the standalone SDK bundle
 * (client/sdk/vite.config.ts), served by the site itself, covers the site's
 * page with the waiting overlay (the gateway admits the site's Origin through
 * gateway.allowedOrigins); on the turn it goes to a booking page on a third
 * origin, which reads the hand-off from the URL fragment (then removes it)
 * and books with the SDK (reservations.allowedOrigins lists that origin).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { launchBrowser, newContext, pageErrors, PHONE, screenshot } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { joinAhead } from './waiting-support.js';

let browser: Browser;
let system: TestSystem;
let bundleDir = '';
let ahead: TestClient[] = [];
const sites: Server[] = [];

/** A web server on its own port (its own origin) answering `pages` by path, and /waitroom.js with the bundle. */
async function site(pages: Record<string, () => string>): Promise<string> {
  const bundle = await readFile(join(bundleDir, 'waitroom.js'));
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://site').pathname;
    if (path === '/waitroom.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    const page = pages[path];
    if (!page) return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sites.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Read by the pages when they are served: all three are known by then. */
let gatewayUrl = '';
let clinicOrigin = '';
let bookingOrigin = '';

beforeAll(async () => {
  browser = await launchBrowser();
  bundleDir = await mkdtemp(join(tmpdir(), 'waitroom-bundle-'));
  await build({ configFile: 'client/sdk/vite.config.ts', logLevel: 'warn', build: { outDir: bundleDir, emptyOutDir: true } });

  clinicOrigin = await site({
    '/': () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clinic</title><link rel="icon" href="data:,"></head>
      <body><h1>Sunrise Clinic: vaccination booking</h1><script src="/waitroom.js"></script>
      <script>Waitroom.protect({ gateway: ${JSON.stringify(gatewayUrl)}, eventId: 'ev', bookingUrl: ${JSON.stringify(`${bookingOrigin}/booking`)}, lang: 'en' });</script></body></html>`,
  });
  bookingOrigin = await site({
    '/booking': () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Book</title><link rel="icon" href="data:,"></head>
      <body><p id="hash"></p><p id="result"></p><script src="/waitroom.js"></script>
      <script>
        const handoff = Waitroom.readHandoff();
        document.getElementById('hash').textContent = 'hash:' + location.hash;
        Waitroom.book(handoff, { person: { name: 'Park Ji-min', birthDate: '1968-02-03' }, centerId: 'c1', slotId: 's1' })
          .then((result) => (document.getElementById('result').textContent = JSON.stringify(result)));
      </script></body></html>`,
  });
  system = await startTestSystem({
    events: [testEvent({ maxActive: 10 })],
    gateway: { allowedOrigins: [clinicOrigin] },
    config: { reservations: { port: 0, allowedOrigins: [bookingOrigin] } },
  });
  gatewayUrl = system.gatewayUrl!;
  await system.stores.queue.setPaused('ev', true);
}, 120_000);

afterAll(async () => {
  await Promise.all(ahead.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
  await Promise.all(sites.map((server) => new Promise((resolve) => server.close(resolve))));
  await rm(bundleDir, { recursive: true, force: true });
});

it('protects a site page with the overlay and books on another origin with the handed-over grant', async () => {
  ahead = await joinAhead(system.wsUrl, 1);
  const page = await (await newContext(browser, { viewport: PHONE })).newPage();
  const errors = pageErrors(page);
  await page.goto(`${clinicOrigin}/`);
  const overlay = page.locator('[role="dialog"]');
  await expect.poll(() => overlay.textContent(), { timeout: 10_000 }).toContain('People ahead of you1');
  expect(await overlay.textContent()).toContain('Queue paused by the organisers');
  await screenshot(page, 'waiting-embed-en-phone');

  await system.stores.queue.setPaused('ev', false);
  await page.waitForURL(`${bookingOrigin}/booking`, { timeout: 15_000 });
  await expect.poll(() => page.textContent('#result'), { timeout: 10_000 }).toMatch(/"ok":true/);
  const result = JSON.parse((await page.textContent('#result'))!) as { booking: { reference: string; ticketNo: number } };
  expect(result.booking).toMatchObject({ ticketNo: 2, reference: expect.stringMatching(/^WR-/) });
  // The secret does not stay in the address bar once read.
  expect(await page.textContent('#hash')).toBe('hash:');
  expect(await system.stores.bookings.bookingCount('ev')).toBe(1);
  expect(errors).toEqual([]);
});
