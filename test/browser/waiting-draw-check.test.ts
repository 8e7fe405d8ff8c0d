/**
 * The waiting page's draw check in real Chromium: before the opening it shows
 * the commitment the gateway publishes and says the seed is secret; after the
 * opening it shows the seed and size and verifies the person's drawn place
 * against the commitment it saw. axe finds nothing serious in either state.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dictionaries, formatClock } from '../../client/i18n/index.js';
import { DrawRecord } from '../../shared/http/draw.js';
import { drawRecordPath } from '../../shared/http/draw-route.js';
import { placeOf } from '../../shared/queue/draw.js';
import { expectNoSeriousViolations } from '../support/axe.js';
import { launchBrowser, newContext, pageErrors, PHONE, SCREENSHOT_DIR } from '../support/browser.js';
import { FakeClock, startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { hook, joinAhead } from './waiting-support.js';

const NOW = Date.now();
// Ahead in real time too: the page's own clock reads "before the opening" when it remembers the commitment.
const OPENS = NOW + 5 * 60_000;
const en = dictionaries.en;

let browser: Browser;
let system: TestSystem;
let ahead: TestClient[] = [];
const clock = new FakeClock(NOW);

/** `text` as a regular expression matching itself. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function record(): Promise<DrawRecord> {
  return DrawRecord.parse(await (await fetch(`${system.gatewayUrl}${drawRecordPath('ev')}`)).json());
}

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({
    clock,
    events: [testEvent({ prequeueOpensAt: NOW - 60_000, opensAt: OPENS, closesAt: OPENS + 3600_000 }, NOW)],
    controller: { nodeTimeoutMs: 600_000 },
  });
  // Nobody is admitted: the page stays on the line after the opening.
  await system.stores.queue.setPaused('ev', true);
  ahead = await joinAhead(system.wsUrl, 4);
}, 120_000);

afterAll(async () => {
  await Promise.all(ahead.map((client) => client.drop()));
  await browser?.close();
  await system?.stop();
});

it('shows the commitment before the opening, then the seed, the size and the verified place of the ticket', async () => {
  const page = await (await newContext(browser, { viewport: PHONE, locale: 'en-GB' })).newPage();
  const errors = pageErrors(page);
  await page.goto(`${system.gatewayUrl}/?event=ev&lang=en`);
  await expect.poll(() => hook(page, 'ticket-no'), { timeout: 10_000 }).toBe('5');

  const published = await record();
  expect(published.commitment).not.toBeNull();
  const at = formatClock(published.commitment!.at, 'en', 'Asia/Seoul');
  await expect.poll(() => hook(page, 'draw-commitment'), { timeout: 5_000 }).toBe(published.commitment!.hash);
  expect(await page.textContent('#draw-committed-at')).toBe(en.drawCommittedAt(at));
  expect(await page.textContent('#draw-status')).toBe(en.drawSecretUntil(formatClock(OPENS, 'en', 'Asia/Seoul')));
  expect(await page.locator('#draw-reveal').isVisible()).toBe(false);
  expect(await page.inputValue('#draw-ticket')).toBe('5');
  await expectNoSeriousViolations(page, 'waiting page, draw committed');

  clock.set(OPENS);
  await expect.poll(async () => (await record()).reveal, { timeout: 5_000 }).not.toBeNull();
  const { size, seed } = (await record()).reveal!;
  expect(size).toBe(5);
  await page.click('#draw-form button[type="submit"]');
  const place = placeOf(5, { size, seed });
  await expect.poll(() => hook(page, 'draw-result'), { timeout: 5_000 }).toBe(en.drawVerified(5, place, at));
  expect(await page.textContent('#draw-seed')).toBe(String(seed));
  expect(await page.textContent('#draw-size')).toBe('5');
  expect(await page.locator('#draw-reveal').isVisible()).toBe(true);

  // Any other ticket number typed in is checked the same way.
  await page.fill('#draw-ticket', '2');
  await page.click('#draw-form button[type="submit"]');
  await expect.poll(() => hook(page, 'draw-result'), { timeout: 5_000 }).toBe(en.drawVerified(2, placeOf(2, { size, seed }), at));
  await page.fill('#draw-ticket', 'two');
  await page.click('#draw-form button[type="submit"]');
  await expect.poll(() => hook(page, 'draw-result'), { timeout: 5_000 }).toBe(en.drawTicketInvalid);
  await page.fill('#draw-ticket', '5');
  await page.click('#draw-form button[type="submit"]');
  await expect.poll(() => hook(page, 'draw-result'), { timeout: 5_000 }).toBe(en.drawVerified(5, place, at));
  await expectNoSeriousViolations(page, 'waiting page, draw verified');
  // The section alone: the rest of the page runs on the browser's clock, still before the fake opening.
  await page.locator('#draw').screenshot({ path: `${SCREENSHOT_DIR}/waiting-en-draw-verified.png` });

  // The same in Korean.
  await page.click('[data-testid="lang-ko"]');
  // Node's ICU may lack Korean day periods (AM for 오전): the clock is left to the browser.
  const [koBefore, koAfter] = dictionaries.ko.drawVerified(5, place, '\u0000').split('\u0000');
  await expect.poll(() => hook(page, 'draw-result'), { timeout: 5_000 }).toMatch(new RegExp(`^${literal(koBefore!)}\\S+ \\d{1,2}:\\d{2}${literal(koAfter!)}$`));
  await expectNoSeriousViolations(page, 'waiting page, draw verified (ko)');
  await page.locator('#draw').screenshot({ path: `${SCREENSHOT_DIR}/waiting-ko-draw-verified.png` });
  expect(errors).toEqual([]);
}, 60_000);
