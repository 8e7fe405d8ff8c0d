/**
 * The waiting page end to end in headless Chromium against a real system:
 * three real WebSocket clients wait ahead of the page; each is admitted in
 * turn (at most one booking at a time) and books, and the page's people-ahead
 * falls 3 → 2 → 1 → 0; the page is admitted, moves to /book/, books, and shows
 * the reference, which the reservation handler has stored.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DESKTOP, launchBrowser, newContext, pageErrors, screenshot } from '../support/browser.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { hook, joinAhead, shownState } from './waiting-support.js';

let browser: Browser;
let system: TestSystem;
let ahead: TestClient[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({
    events: [
      testEvent({
        title: { ko: '53~54세 백신 사전예약', en: 'Vaccine pre-booking, ages 53–54' },
        maxActive: 1,
        centers: [
          {
            id: 'c1',
            name: 'Seoul Central Vaccination Center',
            slots: [
              { id: 's1', label: '09:00', capacity: 20 },
              { id: 's2', label: '10:00', capacity: 20 },
            ],
          },
        ],
      }),
    ],
  });
  await system.stores.queue.setPaused('ev', true);
}, 120_000);

afterAll(async () => {
  await Promise.all(ahead.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
});

it('joins, watches people ahead fall, is admitted, books and shows the stored reference', async () => {
  ahead = await joinAhead(system.wsUrl, 3);
  const page = await (await newContext(browser, { viewport: DESKTOP })).newPage();
  const errors = pageErrors(page);
  await page.goto(`${system.gatewayUrl}/?event=ev`);

  await expect.poll(() => hook(page, 'ticket-no'), { timeout: 10_000 }).toBe('4');
  await expect.poll(() => hook(page, 'people-ahead')).toBe('3');
  await expect.poll(() => shownState(page)).toBe('paused');
  expect(await page.locator('html').getAttribute('lang')).toBe('ko');
  expect(await page.textContent('h1')).toBe('53~54세 백신 사전예약');

  await system.stores.queue.setPaused('ev', false);
  for (const [k, client] of ahead.entries()) {
    const grant = await client.waitFor('admitted');
    await expect.poll(() => hook(page, 'people-ahead'), { timeout: 5_000 }).toBe(String(2 - k));
    expect((await postBooking(system.reservationsUrl, 'ev', bookingBody(grant.grant, client.secret))).status).toBe(201);
  }

  // The turn: the grant's countdown shows, then the page moves to the booking page by itself.
  await page
    .locator('[data-testid="grant-left"]')
    .filter({ hasText: /^\d+:\d\d$/ })
    .waitFor({ timeout: 10_000 });
  await screenshot(page, 'waiting-turn-ko-desktop');
  await page.waitForURL(/\/book\/\?event=ev$/, { timeout: 10_000 });
  await page.click('label.slot:has(input[value="s2"])');
  await page.fill('#name', '홍길동');
  await page.fill('#birth-date', '1968-05-17');
  expect(await hook(page, 'grant-left')).toMatch(/^(9|10):\d\d$/);
  await screenshot(page, 'booking-ko-desktop');
  const handedOver = JSON.parse((await page.evaluate(() => localStorage.getItem('waitroom:ev')))!) as { grant: string; secret: string };

  await page.click('#book');
  const reference = page.locator('[data-testid="booking-reference"]');
  await reference.filter({ hasText: /^WR-[A-Z2-9]{10}$/ }).waitFor({ timeout: 10_000 });
  const shownReference = await reference.textContent();
  await screenshot(page, 'booking-confirmation-ko-desktop');

  // The handler holds that booking: the same request again returns it (200, repeated) with the same reference.
  const repeat = await postBooking(
    system.reservationsUrl,
    'ev',
    bookingBody(handedOver.grant, handedOver.secret, { person: { name: '홍길동', birthDate: '1968-05-17' }, slotId: 's2' }),
  );
  expect(repeat).toMatchObject({ status: 200, body: { repeated: true, booking: { reference: shownReference, ticketNo: 4, slotId: 's2' } } });
  expect(await system.stores.bookings.bookingCount('ev')).toBe(4);
  expect((await system.stores.bookings.taken('ev')).get('c1/s2')).toBe(1);

  // Back on the waiting page later, the person sees the booking rather than a new place in line.
  await page.goto(`${system.gatewayUrl}/?event=ev&lang=en`);
  await expect.poll(() => hook(page, 'booking-reference')).toBe(shownReference);
  expect(errors).toEqual([]);
});
