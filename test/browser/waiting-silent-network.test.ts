/**
 * The network goes silent under the waiting page (no close: a proxy of the
 * test's own between page and gateway stops forwarding) while the turn comes.
 * The page says it is reconnecting within the SDK's liveness bound, dims its
 * figures, comes back once new connections get through, gets the turn that
 * came meanwhile and books.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { checkEveryMs, deadAfterMs } from '../../client/sdk/liveness.js';
import { launchBrowser, newContext, pageErrors, PHONE } from '../support/browser.js';
import { startStallProxy, type StallProxy } from '../support/stall-proxy.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { hook, joinAhead, shownState } from './waiting-support.js';

let browser: Browser;
let proxy: StallProxy;
let system: TestSystem;
let ahead: TestClient[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  proxy = await startStallProxy();
  const proxyOrigin = `http://127.0.0.1:${proxy.port}`;
  system = await startTestSystem({ events: [testEvent()], config: { reservations: { port: 0, allowedOrigins: [proxyOrigin] } } });
  proxy.target = Number(new URL(system.gatewayUrl!).port);
  await system.stores.queue.setPaused('ev', true);
}, 120_000);

afterAll(async () => {
  await Promise.all(ahead.map((client) => client.close()));
  await browser?.close();
  await proxy?.close();
  await system?.stop();
});

it('notices a silent network within the bound, comes back, gets the turn that came meanwhile and books', async () => {
  ahead = await joinAhead(system.wsUrl, 1);
  const page = await (await newContext(browser, { viewport: PHONE })).newPage();
  const errors = pageErrors(page);
  await page.goto(`http://127.0.0.1:${proxy.port}/?event=ev`);
  await expect.poll(() => hook(page, 'ticket-no'), { timeout: 10_000 }).toBe('2');
  await expect.poll(() => shownState(page)).toBe('paused');
  await expect.poll(() => hook(page, 'updated')).toMatch(/\d\d:\d\d:\d\d/);

  proxy.stall();
  const stalledAt = Date.now();
  await system.stores.queue.setPaused('ev', false); // the turn comes while the page cannot hear it
  await ahead[0]!.waitFor('admitted');
  const boundMs = deadAfterMs(system.config.gateway.tickMs) + checkEveryMs(system.config.gateway.tickMs);
  await expect.poll(() => shownState(page), { timeout: boundMs + 1_500, interval: 100 }).toBe('reconnecting');
  console.log(`page said reconnecting ${Date.now() - stalledAt} ms after the network went silent (bound ${boundMs} ms)`);
  expect(await page.locator('#waiting').getAttribute('class')).toContain('stale');

  await page.waitForTimeout(2_000);
  expect(page.url()).not.toContain('/book/');
  proxy.resume();
  const resumedAt = Date.now();
  // Back within the connection attempt under way (given up after the same bound) and the backoff's next wait; the
  // booking page then loads over the browser's kept-alive connection, which flows again with the network.
  await page.waitForURL(/\/book\/\?event=ev$/, { timeout: 45_000 });
  console.log(`on the booking page ${Date.now() - resumedAt} ms after the network came back (${proxy.accepted} connections through the proxy)`);
  await page.check('#slots input[value="s1"]');
  await page.fill('#name', '홍길동');
  await page.fill('#birth-date', '1968-05-17');
  await page.click('#book');
  await page
    .locator('[data-testid="booking-reference"]')
    .filter({ hasText: /^WR-[A-Z2-9]{10}$/ })
    .waitFor({ timeout: 10_000 });
  expect(await system.stores.bookings.bookingCount('ev')).toBe(1);
  expect(errors.filter((error) => !/WebSocket/.test(error))).toEqual([]);
}, 120_000);
