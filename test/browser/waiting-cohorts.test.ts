/**
 * An event for certain birth years: the page asks the birth date before
 * joining (listing who may join), says why a date is refused (NOT_ELIGIBLE)
 * and asks again, then joins with an eligible date.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dictionaries } from '../../client/i18n/index.js';
import { DESKTOP, launchBrowser, newContext, pageErrors } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { hook } from './waiting-support.js';

let browser: Browser;
let system: TestSystem;

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({
    events: [
      testEvent({ cohorts: [{ id: 'born-1967-1968', label: { ko: '1967~1968년생', en: 'Born 1967–1968' }, born: { from: '1967-01-01', to: '1968-12-31' } }] }),
    ],
  });
  await system.stores.queue.setPaused('ev', true);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

it('asks the birth date, explains a refusal, and joins with an eligible date', async () => {
  const page = await (await newContext(browser, { viewport: DESKTOP })).newPage();
  const errors = pageErrors(page);
  await page.goto(`${system.gatewayUrl}/?event=ev&lang=en`);
  await page.locator('#birth-form').waitFor({ timeout: 10_000 });
  expect(await page.textContent('#cohorts')).toMatch(/^Born 1967–1968: born 1967-01-01 to 1968-12-31, from /);
  expect(await page.locator('#waiting').isVisible()).toBe(false);

  await page.fill('#join-birth-date', '1990-04-05');
  await page.click('#birth-form button[type="submit"]');
  await expect.poll(() => page.textContent('#birth-error'), { timeout: 5_000 }).toBe(dictionaries.en.waitingErrors.NOT_ELIGIBLE);
  expect(await page.locator('#birth-form').isVisible()).toBe(true);

  await page.fill('#join-birth-date', '1968-02-29');
  await page.click('#birth-form button[type="submit"]');
  await expect.poll(() => hook(page, 'ticket-no'), { timeout: 5_000 }).toBe('1');
  expect(await page.locator('#birth-form').isVisible()).toBe(false);
  expect(await page.locator('#waiting').isVisible()).toBe(true);
  expect(errors).toEqual([]);
});
