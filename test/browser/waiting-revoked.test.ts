/**
 * An operator revokes the page's ticket: the page stops with a clear message
 * and does not rejoin by itself, not even after a reload; the person can
 * choose to join again, at the end of the line.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dictionaries } from '../../client/i18n/index.js';
import { launchBrowser, newContext, pageErrors, PHONE, screenshot } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { adminRequest, OPERATOR, operatorAccounts, signIn } from './console-support.js';
import { hook } from './waiting-support.js';

let browser: Browser;
let system: TestSystem;

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({ events: [testEvent()], config: { operators: await operatorAccounts([OPERATOR]) } });
  await system.stores.queue.setPaused('ev', true);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

it('stops for good on TICKET_REVOKED, stays stopped after a reload, and joins again only when asked', async () => {
  const page = await (await newContext(browser, { viewport: PHONE })).newPage();
  const errors = pageErrors(page);
  await page.goto(`${system.gatewayUrl}/?event=ev`);
  await expect.poll(() => hook(page, 'ticket-no'), { timeout: 10_000 }).toBe('1');

  const cookie = await signIn(system.gatewayUrl!, OPERATOR);
  const revoked = await adminRequest(system.gatewayUrl!, 'POST', '/admin/events/ev/revoke', { cookie, body: { ticketNo: 1 } });
  expect(revoked).toMatchObject({ status: 200, body: { ticketNo: 1, wasAdmitted: false } });

  const problem = page.locator('#problem-text');
  await expect.poll(() => problem.textContent(), { timeout: 5_000 }).toBe(dictionaries.ko.waitingErrors.TICKET_REVOKED);
  expect(await page.locator('#waiting').isVisible()).toBe(false);
  expect(await page.textContent('#problem-action')).toBe(dictionaries.ko.joinAgain);
  await screenshot(page, 'waiting-revoked-ko-phone');

  await page.reload();
  await expect.poll(() => problem.textContent(), { timeout: 10_000 }).toBe(dictionaries.ko.waitingErrors.TICKET_REVOKED);
  expect(JSON.parse((await page.evaluate(() => localStorage.getItem('waitroom:ev')))!)).toMatchObject({ ticketNo: 1 });

  await page.click('#problem-action');
  await expect.poll(() => hook(page, 'ticket-no'), { timeout: 10_000 }).toBe('2');
  expect(await page.locator('#problem').isVisible()).toBe(false);
  expect(errors).toEqual([]);
});
