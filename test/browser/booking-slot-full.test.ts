/**
 * The booking page when a slot fills under the person's eyes: nothing is
 * chosen for the person when the form appears (the crowd is not steered onto
 * the earliest slot); the refusal (409 SLOT_FULL) is explained in the page's
 * language, the availability is reloaded at once (the full slot can no
 * longer be chosen) and no other slot is chosen in its place; the person
 * chooses one, and booking it with the same grant succeeds.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dictionaries } from '../../client/i18n/index.js';
import { launchBrowser, newContext, pageErrors, PHONE, screenshot } from '../support/browser.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { hook, joinAhead, withoutHttpStatus } from './waiting-support.js';

let browser: Browser;
let system: TestSystem;
let rival: TestClient[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({
    events: [
      testEvent({
        centers: [
          {
            id: 'c1',
            name: 'Busan East Community Center',
            slots: [
              { id: 's1', label: '09:00', capacity: 1 },
              { id: 's2', label: '10:00', capacity: 3 },
            ],
          },
        ],
      }),
    ],
  });
}, 120_000);

afterAll(async () => {
  await Promise.all(rival.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
});

it('explains SLOT_FULL, reloads the availability at once and books another slot', async () => {
  rival = await joinAhead(system.wsUrl, 1);
  const grant = await rival[0]!.waitFor('admitted');
  const context = await newContext(browser, { viewport: PHONE });
  const page = await context.newPage();
  const errors = pageErrors(page);
  // The page's own clock, so its 5-second availability refresh cannot run between the rival's booking and ours.
  await page.clock.install();
  await page.goto(`${system.gatewayUrl}/?event=ev`);
  await page.waitForURL(/\/book\/\?event=ev$/, { timeout: 15_000 });
  await page.locator('#slots input[value="s2"]').waitFor({ timeout: 5_000 });
  expect(await page.locator('#slots input:checked').count()).toBe(0);
  await page.check('#slots input[value="s1"]');
  await page.clock.pauseAt(Date.now() + 1_000);

  expect((await postBooking(system.reservationsUrl, 'ev', bookingBody(grant.grant, rival[0]!.secret, { slotId: 's1' }))).status).toBe(201);
  await page.fill('#name', '김민수');
  await page.fill('#birth-date', '1969-11-02');
  await page.click('#book');
  await expect.poll(() => hook(page, 'booking-status'), { timeout: 5_000 }).toBe(dictionaries.ko.bookingErrors.SLOT_FULL);
  await page.locator('#slots input[value="s1"]:disabled').waitFor({ timeout: 5_000 });
  expect(await page.locator('#slots input:checked').count()).toBe(0); // not moved to another slot behind the person's back
  expect(await page.textContent('label.slot:has(input[value="s1"])')).toContain(dictionaries.ko.slotFull);
  await screenshot(page, 'booking-slot-full-ko-phone');
  await page.clock.resume();

  await page.click('#book'); // without a choice: asked to choose, on the slots
  expect(await hook(page, 'booking-status')).toBe(dictionaries.ko.fieldHints.slotId);
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('slot');
  await page.check('#slots input[value="s2"]');
  await page.click('#book');
  await page.locator('[data-testid="booking-reference"]').filter({ hasText: /^WR-/ }).waitFor({ timeout: 10_000 });
  expect(Object.fromEntries(await system.stores.bookings.taken('ev'))).toEqual({ 'c1/s1': 1, 'c1/s2': 1 });
  expect(withoutHttpStatus(errors, 409)).toEqual([]);
});
