/**
 * The booking page without a booking pass, and with one the operators
 * withdrew (GRANT_REVOKED: this grant can never book): the refusal in the
 * page's language, and the way back to the line.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dictionaries } from '../../client/i18n/index.js';
import { launchBrowser, newContext, pageErrors, PHONE } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { adminRequest, OPERATOR, operatorAccounts, signIn } from './console-support.js';
import { withoutHttpStatus } from './waiting-support.js';

let browser: Browser;
let system: TestSystem;

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({ events: [testEvent()], config: { operators: await operatorAccounts([OPERATOR]) } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

it('without a booking pass, sends the person to the waiting line', async () => {
  const page = await (await newContext(browser, { viewport: PHONE })).newPage();
  const errors = pageErrors(page);
  await page.goto(`${system.gatewayUrl}/book/?event=ev`);
  await page.locator('#no-handoff').waitFor({ timeout: 10_000 });
  expect(await page.textContent('#no-handoff')).toContain(dictionaries.ko.noHandoff);
  expect(await page.getAttribute('#waiting-link', 'href')).toBe('/?event=ev');
  expect(await page.locator('#booking').isVisible()).toBe(false);
  expect(errors).toEqual([]);
});

it('explains a withdrawn grant and offers a new place in line', async () => {
  const page = await (await newContext(browser, { viewport: PHONE })).newPage();
  const errors = pageErrors(page);
  await page.goto(`${system.gatewayUrl}/?event=ev&lang=en`);
  await page.waitForURL(/\/book\/\?event=ev$/, { timeout: 15_000 });
  await page.check('#slots input:not(:disabled)', { timeout: 5_000 });

  const cookie = await signIn(system.gatewayUrl!, OPERATOR);
  expect(await adminRequest(system.gatewayUrl!, 'POST', '/admin/events/ev/revoke', { cookie, body: { ticketNo: 1 } })).toMatchObject({
    status: 200,
    body: { wasAdmitted: true },
  });

  await page.fill('#name', 'Choi Yuna');
  await page.fill('#birth-date', '1967-08-09');
  await page.click('#book');
  await expect.poll(() => page.textContent('#closed-text'), { timeout: 5_000 }).toBe(dictionaries.en.bookingErrors.GRANT_REVOKED);
  expect(await page.locator('#booking').isVisible()).toBe(false);

  await page.click('#join-again');
  await page.waitForURL(/\/\?event=ev$/);
  // A new place at the end of the line; the queue is open, so it is admitted again and back on the booking page.
  await page.waitForURL(/\/book\/\?event=ev$/, { timeout: 15_000 });
  expect(JSON.parse((await page.evaluate(() => localStorage.getItem('waitroom:ev')))!)).toMatchObject({ ticketNo: 2 });
  expect(await system.stores.bookings.bookingCount('ev')).toBe(0);
  expect(withoutHttpStatus(errors, 403)).toEqual([]);
});
