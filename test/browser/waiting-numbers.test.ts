/**
 * The waiting page's numbers (issue 18 §5): one number prominent — the
 * people ahead, or "곧 차례입니다" when nobody is — with the place and ticket
 * number small beside an explanation (side by side, "앞 3 / 순번 4 / 번호표 6"
 * read as "I am 6th"); the live region says "곧 차례입니다", not "앞에 0명이
 * 있습니다"; the admission rate in whole people a minute.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dictionaries } from '../../client/i18n/index.js';
import { expectNoSeriousViolations } from '../support/axe.js';
import { launchBrowser, newContext, PHONE } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { hook, joinAhead } from './waiting-support.js';

const ko = dictionaries.ko;
let browser: Browser;
let system: TestSystem;
let clients: TestClient[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({
    events: [testEvent({ id: 'line', maxActive: 1, admitsPerMinute: 4.9 }), testEvent({ id: 'next' })],
  });
  await system.stores.queue.setPaused('next', true);
  clients = await joinAhead(system.wsUrl, 2, 'line'); // one admitted (holding the only place), one waiting
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
});

const fontPx = (page: Page, selector: string) => page.$eval(selector, (node) => parseFloat(getComputedStyle(node).fontSize));

it('shows the people ahead prominently, the place and ticket small and explained, and the rate in whole people', async () => {
  const page = await (await newContext(browser, { viewport: PHONE })).newPage();
  await page.goto(`${system.gatewayUrl}/?event=line`);
  await expect.poll(() => hook(page, 'people-ahead'), { timeout: 10_000 }).toBe('1');
  expect(await hook(page, 'ticket-no')).toBe('3');
  expect(await page.textContent('#place')).toBe('2');
  // The ticket and place are not figures of the same size beside the people ahead.
  expect(await fontPx(page, '#people-ahead')).toBeGreaterThanOrEqual(3 * (await fontPx(page, '#ticket-no')));
  expect(await fontPx(page, '#place')).toBe(await fontPx(page, '#ticket-no'));
  expect(await page.locator('#line .figures #ticket-no, #line-details .figures #ticket-no').count()).toBe(0);
  expect(await page.getByText(ko.numbersExplain).isVisible()).toBe(true);
  await expect.poll(() => page.textContent('#rate')).toBe(ko.rateValue('5')); // 4.9 a minute
  await expectNoSeriousViolations(page, 'waiting ko numbers, one ahead');
});

it('says "곧 차례입니다" instead of 0 people ahead, on the page and in the live region', async () => {
  const page = await (await newContext(browser, { viewport: PHONE })).newPage();
  await page.goto(`${system.gatewayUrl}/?event=next`);
  await expect.poll(() => hook(page, 'people-ahead'), { timeout: 10_000 }).toBe('0');
  expect(await page.locator('#ahead-soon').isVisible()).toBe(true);
  expect(await page.textContent('#ahead-soon')).toBe('곧 차례입니다');
  expect(await page.locator('#people-ahead').isVisible()).toBe(false);
  await expect.poll(() => page.locator('#announcer').textContent()).toContain('곧 차례입니다.');
  expect(await page.locator('#announcer').textContent()).not.toContain('앞에 0명');
  await expectNoSeriousViolations(page, 'waiting ko numbers, next');
});
