/**
 * Joining a priority lane in headless Chromium (docs/decisions/031): the
 * event has a lane, an operator's code is typed into the waiting page's
 * field, the page shows "priority lane: <name>" with the lane's own people
 * ahead, a wrong code joins the main line with the error shown, and axe finds
 * no serious or critical violation in either state.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { LANE_SPAN } from '../../shared/queue/lanes.js';
import { expectNoSeriousViolations } from '../support/axe.js';
import { launchBrowser, newContext, pageErrors, PHONE, screenshot } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { hook, joinAhead } from './waiting-support.js';

const CODE_A = 'A7K9MQ2X4P0B';
const CODE_B = 'B7K9MQ2X4P0C';

let browser: Browser;
let system: TestSystem;
let ahead: TestClient[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({
    events: [
      testEvent({
        title: { ko: '53~54세 백신 사전예약', en: 'Vaccine pre-booking, ages 53–54' },
        lanes: [{ id: 'accessible', name: { ko: '교통약자·장애인', en: 'Accessibility' }, share: 0.1 }],
      }),
    ],
  });
  await system.stores.queue.setPaused('ev', true);
  const expiresAt = Date.now() + 3_600_000;
  await system.stores.queue.issueCodes(
    'ev',
    [CODE_A, CODE_B].map((code) => ({ code, laneId: 'accessible', uses: 1, expiresAt })),
    Date.now(),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(ahead.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
});

it('a typed code puts the page in the priority lane, showing the lane and its own place; a wrong code joins the main line', async () => {
  ahead = await joinAhead(system.wsUrl, 5);
  // Someone already waits in the lane: the page's people ahead is the lane's, not the main line's.
  await system.stores.queue.joinLane('ev', CODE_B, ['accessible'], Date.now(), 1);

  const page = await (await newContext(browser, { viewport: PHONE })).newPage();
  const errors = pageErrors(page);
  await page.goto(`${system.gatewayUrl}/?event=ev`);
  await page.locator('#lane-code').waitFor({ state: 'visible' });
  expect(await page.locator('#waiting').isVisible()).toBe(false);
  await expectNoSeriousViolations(page, 'lane code form (ko, phone)');
  // As a person types it: lower case, with dashes.
  await page.locator('#lane-code').fill('a7k9-mq2x-4pob');
  await page.getByRole('button', { name: '대기열 들어가기' }).or(page.locator('#lane-form button')).first().click();

  await expect.poll(() => hook(page, 'lane-name'), { timeout: 10_000 }).toBe('우선 대기열: 교통약자·장애인');
  await expect.poll(() => hook(page, 'people-ahead')).toBe('1');
  expect(await hook(page, 'ticket-no')).toBe('2');
  const stored = await page.evaluate(() => JSON.stringify(localStorage));
  expect(stored).toContain(String(LANE_SPAN + 2));
  await expectNoSeriousViolations(page, 'waiting in a priority lane (ko, phone)');
  await screenshot(page, 'waiting-priority-lane-ko-phone');

  // A reload resumes the lane place (no code asked again).
  await page.reload();
  await expect.poll(() => hook(page, 'lane-name'), { timeout: 10_000 }).toBe('우선 대기열: 교통약자·장애인');
  expect(await page.locator('#lane-form').isVisible()).toBe(false);

  // A used code: the error is shown and the page joins the main line, behind the 5.
  const second = await (await newContext(browser, { viewport: PHONE, locale: 'en-US' })).newPage();
  await second.goto(`${system.gatewayUrl}/?event=ev&lang=en&code=${CODE_A}`);
  await second.locator('#lane-code').waitFor({ state: 'visible' });
  expect(await second.locator('#lane-code').inputValue()).toBe(CODE_A);
  await second.locator('#lane-form button').click();
  await expect.poll(() => hook(second, 'people-ahead'), { timeout: 10_000 }).toBe('5');
  expect(await second.locator('#lane').isVisible()).toBe(false);
  expect(await second.locator('#problem-text').textContent()).toMatch(/used up|모두 사용된/);
  await expectNoSeriousViolations(second, 'main line after a used code (phone)');
  expect(errors).toEqual([]);
}, 60_000);

it("the kiosk shows the lane's people waiting beside the main line's", async () => {
  const kiosk = await (await newContext(browser, { viewport: { width: 1080, height: 1920 } })).newPage();
  await kiosk.goto(`${system.gatewayUrl}/kiosk/?event=ev`);
  const lanes = kiosk.locator('[data-testid="kiosk-lanes"]');
  await expect.poll(() => lanes.textContent(), { timeout: 10_000 }).toContain('교통약자·장애인: 대기 2명');
  expect(await lanes.textContent()).toContain('Accessibility: 2 waiting');
  await expect.poll(() => kiosk.locator('[data-testid="kiosk-waiting"]').textContent()).toBe('6');
  await expectNoSeriousViolations(kiosk, 'kiosk with a priority lane');
}, 30_000);
