/**
 * The console's figures as an operator reads them (issue 18 §5): the limit
 * fields show the current limits (and keep what the operator is typing
 * through the 2-s refreshes), and the charts write times as the rest of the
 * console does (2026-11-25 14:03:22), not in uPlot's US form (2:03pm).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { expectNoSeriousViolations } from '../support/axe.js';
import { launchBrowser, newContext } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { OPERATOR, operatorAccounts, signInThroughForm } from './console-support.js';

let browser: Browser;
let system: TestSystem;

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({
    events: [testEvent({ maxActive: 37, admitsPerMinute: 6 })],
    config: { operators: await operatorAccounts([OPERATOR]), admin: { historyStepMs: 500 } },
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

it('shows the current limits in their fields and the charts in 24-hour ISO-like times', async () => {
  const page = await (await newContext(browser, { locale: 'en-US', viewport: { width: 1440, height: 900 } })).newPage();
  await signInThroughForm(page, system.gatewayUrl!, OPERATOR);
  const maxActive = page.locator('[data-testid="input-max-active"]');
  const rate = page.locator('[data-testid="input-admits-per-minute"]');
  await expect.poll(() => maxActive.inputValue(), { timeout: 5_000 }).toBe('37');
  expect(await rate.inputValue()).toBe('6');

  // What the operator types survives the refreshes; once applied, the field shows the new current value.
  await rate.fill('9');
  await maxActive.focus();
  await page.waitForTimeout(2_500);
  expect(await rate.inputValue()).toBe('9');
  await page.click('[data-testid="apply-limits"]');
  await expect.poll(() => page.textContent('[data-testid="event-admits-per-minute"]'), { timeout: 5_000 }).toBe('9');
  await expect.poll(() => rate.inputValue(), { timeout: 5_000 }).toBe('9');
  expect(await maxActive.inputValue()).toBe('37');

  // The charts' cursor time, in the legend of the per-node chart.
  const chart = page.locator('[data-testid="chart"]').last();
  await chart.locator('.u-over').waitFor({ timeout: 10_000 });
  await page.waitForTimeout(1_500); // a few samples to hover over
  const box = (await chart.locator('.u-over').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
  const shown = await chart.locator('.u-legend .u-series').first().locator('.u-value').textContent();
  expect(shown).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  await expectNoSeriousViolations(page, 'console dashboard with limits shown');
});
