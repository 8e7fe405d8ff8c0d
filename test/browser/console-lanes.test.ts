/**
 * Priority lanes on the operator console in real Chromium (docs/decisions/031):
 * the lanes table shows each lane's share, waiting and admitted; the form
 * issues multi-use codes; the issued codes are listed with their use counts,
 * a code from it joins the lane over a real WebSocket and its count rises;
 * axe finds no serious or critical violation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectNoSeriousViolations } from '../support/axe.js';
import { launchBrowser, newContext, pageErrors } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { OPERATOR, operatorAccounts, signInThroughForm } from './console-support.js';
import { withoutHttpStatus } from './waiting-support.js';

let system: TestSystem;
let browser: Browser;
let page: Page;
const clients: TestClient[] = [];

beforeAll(async () => {
  system = await startTestSystem({
    events: [testEvent({ lanes: [{ id: 'desk', name: { ko: '현장 창구', en: 'Help desk' }, share: 0.2 }] })],
    config: { operators: await operatorAccounts([OPERATOR]) },
  });
  await system.stores.queue.setPaused('ev', true);
  browser = await launchBrowser();
  page = await (await newContext(browser, { viewport: { width: 1400, height: 1000 }, locale: 'en-US' })).newPage();
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
});

it('lists the lanes, issues multi-use codes from the form, and lists them with their use counts', async () => {
  const errors = pageErrors(page);
  await signInThroughForm(page, system.gatewayUrl!, OPERATOR);
  const card = page.locator('[data-testid="event-card"][data-event-id="ev"]');
  await expect.poll(() => card.locator('.lanes-table tbody').textContent()).toContain('Help desk · 현장 창구 (desk)20 %00');

  await card.locator('[data-testid="code-count"]').fill('2');
  await card.locator('[data-testid="code-kind"]').selectOption('multi');
  await card.locator('[data-testid="code-uses"]').fill('3');
  await card.locator('[data-testid="issue-codes"]').click();
  const rows = card.locator('[data-testid="code-rows"] tr');
  await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
  const code = (await rows.first().locator('td').first().textContent())!;
  expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  expect(await rows.first().locator('td').nth(2).textContent()).toBe('0 / 3');

  const client = await TestClient.connect(system.wsUrl);
  clients.push(client);
  await client.joinWith('ev', { code });
  await card.locator('[data-testid="list-codes"]').click();
  await expect.poll(() => rows.first().locator('td').nth(2).textContent()).toBe('1 / 3');
  await expect.poll(() => card.locator('.lanes-table tbody').textContent(), { timeout: 10_000 }).toContain('(desk)20 %10');
  await expectNoSeriousViolations(page, 'console with lanes and codes');
  // The console asks for the session before signing in: that one 401 is expected.
  expect(withoutHttpStatus(errors, 401)).toEqual([]);
}, 60_000);
