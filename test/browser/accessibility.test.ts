/**
 * axe-core on every page in each of its main states, in Korean (the default)
 * and English, in real Chromium against a whole system: the waiting page
 * (birth-date form, waiting with a place, paused with a notice, pre-queue,
 * the turn), the booking page (form, SLOT_FULL, confirmation), the kiosk and
 * the console (sign-in, dashboard). Any serious or critical violation fails
 * the test; the counts of all of them are printed per page and state.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dictionaries } from '../../client/i18n/index.js';
import { countLine, expectNoSeriousViolations, type Violation } from '../support/axe.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { launchBrowser, newContext, PHONE } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { adminRequest, OPERATOR, operatorAccounts, signIn, signInThroughForm } from './console-support.js';
import { hook, joinAhead } from './waiting-support.js';

const TITLE = { ko: '53~54세 백신 사전예약', en: 'Vaccine pre-booking, ages 53–54' };
const NOTICE = '14시 예약은 마감되었습니다. / The 14:00 slots are full.';
const LOCALES = { ko: 'ko-KR', en: 'en-US' } as const;
const CENTER = {
  id: 'c1',
  name: 'Seoul Jung-gu Vaccination Center',
  slots: [
    { id: 'f1', label: '09:00', capacity: 1 },
    { id: 'f2', label: '10:00', capacity: 1 },
    { id: 'open', label: '11:00', capacity: 100 },
  ],
};

let browser: Browser;
let system: TestSystem;
const clients: TestClient[] = [];
const counts: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  const now = Date.now();
  system = await startTestSystem({
    events: [
      testEvent({ id: 'ev', title: TITLE, maxActive: 1000, centers: [CENTER] }, now),
      testEvent({ id: 'line', title: TITLE, maxActive: 1 }, now),
      testEvent({ id: 'paused', title: TITLE }, now),
      testEvent({ id: 'later', title: TITLE, prequeueOpensAt: now - 60_000, opensAt: now + 2 * 3600_000, closesAt: now + 24 * 3600_000 }, now),
      testEvent(
        {
          id: 'cohort',
          title: TITLE,
          cohorts: [{ id: 'c67', label: { ko: '1967~1968년생', en: 'Born 1967–1968' }, born: { from: '1967-01-01', to: '1968-12-31' } }],
        },
        now,
      ),
    ],
    config: { operators: await operatorAccounts([OPERATOR]) },
  });
  await system.stores.queue.setPaused('paused', true);
  const cookie = await signIn(system.gatewayUrl!, OPERATOR);
  expect((await adminRequest(system.gatewayUrl!, 'POST', '/admin/events/paused/notice', { cookie, body: { text: NOTICE } })).status).toBe(200);
  // One admitted (holding the only place) and one waiting: the page on `line` waits with one person ahead.
  clients.push(...(await joinAhead(system.wsUrl, 2, 'line')));
}, 120_000);

afterAll(async () => {
  console.log(`axe violations per page (rules violated, by impact):\n${counts.join('\n')}`);
  await Promise.all(clients.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
});

async function check(page: Page, label: string): Promise<Violation[]> {
  const violations = await expectNoSeriousViolations(page, label);
  counts.push(countLine(label, violations));
  return violations;
}

async function openPage(language: keyof typeof LOCALES, path: string): Promise<Page> {
  const page = await (await newContext(browser, { locale: LOCALES[language], viewport: PHONE })).newPage();
  await page.goto(`${system.gatewayUrl}${path}`);
  return page;
}

for (const language of ['ko', 'en'] as const) {
  it(`waiting page (${language}): birth date, waiting, paused with a notice, pre-queue`, async () => {
    const cohort = await openPage(language, '/?event=cohort');
    await cohort.locator('#birth-form').waitFor({ timeout: 10_000 });
    await check(cohort, `waiting ${language} birth-date form`);

    const line = await openPage(language, '/?event=line');
    await expect.poll(() => hook(line, 'people-ahead'), { timeout: 10_000 }).toMatch(/^[1-9]/);
    await check(line, `waiting ${language} with a place`);

    const paused = await openPage(language, '/?event=paused');
    await expect.poll(() => hook(paused, 'operator-notice'), { timeout: 10_000 }).toBe(NOTICE);
    await paused.locator('[data-testid="connection-state"][data-state="paused"]').waitFor({ timeout: 5_000 });
    await check(paused, `waiting ${language} paused with a notice`);

    const later = await openPage(language, '/?event=later');
    await later.locator('#prequeue').waitFor({ timeout: 10_000 });
    await check(later, `waiting ${language} pre-queue`);
  });

  it(`waiting and booking pages (${language}): the turn, the form, SLOT_FULL, the confirmation`, async () => {
    const [rival] = await joinAhead(system.wsUrl, 1);
    clients.push(rival!);
    const grant = await rival!.waitFor('admitted');
    const page = await (await newContext(browser, { locale: LOCALES[language], viewport: PHONE })).newPage();
    // The page's own clock: its 5-second availability refresh cannot run between the rival's booking and ours.
    await page.clock.install();
    await page.goto(`${system.gatewayUrl}/?event=ev`);
    await page.locator('#turn').waitFor({ timeout: 10_000 });
    await check(page, `waiting ${language} turn`);

    await page.waitForURL(/\/book\/\?event=ev$/, { timeout: 15_000 });
    const chosen = page.locator('#slots input:not(:disabled)').first();
    await chosen.waitFor({ timeout: 5_000 });
    await page.click(`label.slot:has(input[value="${await chosen.getAttribute('value')}"])`);
    expect(await chosen.isChecked()).toBe(true);
    await check(page, `booking ${language} form`);
    // axe waits on timers: the clock stays paused only from the rival's booking to the refusal.
    await page.clock.pauseAt(Date.now() + 1_000);

    const slotId = (await chosen.getAttribute('value'))!;
    expect((await postBooking(system.reservationsUrl, 'ev', bookingBody(grant.grant, rival!.secret, { slotId }))).status).toBe(201);
    // A different person in each language: one booking per person and event.
    await page.fill('#name', language === 'ko' ? '김민수' : 'Min-su Kim');
    await page.fill('#birth-date', language === 'ko' ? '1969-11-02' : '1970-03-14');
    await page.click('#book');
    await expect.poll(() => hook(page, 'booking-status'), { timeout: 5_000 }).toBe(dictionaries[language].bookingErrors.SLOT_FULL);
    await page.clock.resume();
    await check(page, `booking ${language} after SLOT_FULL`);

    await page.check('#slots input[value="open"]');
    await page.click('#book');
    await page.locator('[data-testid="booking-reference"]').filter({ hasText: /^WR-/ }).waitFor({ timeout: 10_000 });
    await check(page, `booking ${language} confirmation`);
  });

  it(`kiosk and console (${language})`, async () => {
    const kiosk = await openPage(language, `/kiosk/?event=ev&center=${CENTER.id}`);
    await kiosk.locator('[data-testid="kiosk"][data-stale="false"]').waitFor({ timeout: 10_000 });
    await kiosk.locator('[data-testid="kiosk-slot"]').first().waitFor({ timeout: 10_000 });
    await check(kiosk, `kiosk ${language}`);

    const console_ = await openPage(language, '/console/');
    await console_.locator('#login').waitFor({ timeout: 10_000 });
    await check(console_, `console ${language} sign-in`);
    await signInThroughForm(console_, system.gatewayUrl!, OPERATOR);
    // Moderate, so not failed by the rule above: the dashboard had no h1 once the sign-in form was gone.
    const dashboard = await check(console_, `console ${language} dashboard`);
    expect(dashboard.map((violation) => violation.id)).not.toContain('page-has-heading-one');
  });
}

/** WCAG's contrast ratio of two computed `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((c) => {
      const s = Number(c) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high! + 0.05) / (low! + 0.05);
}

it('draws a focus ring of at least 3:1 in the dark header, and stills the progress bar for reduced motion', async () => {
  const page = await openPage('ko', '/?event=line');
  await page.locator('[data-testid="lang-en"]').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Tab');
  const [ring, header] = await page.evaluate(() => [
    getComputedStyle(document.activeElement!).outlineColor,
    getComputedStyle(document.querySelector('.site-header')!).backgroundColor,
  ]);
  expect(await page.evaluate(() => document.activeElement?.closest('.site-header') !== null)).toBe(true);
  expect(contrast(ring!, header!)).toBeGreaterThanOrEqual(3);

  const fillTransition = (target: Page) => target.evaluate(() => getComputedStyle(document.getElementById('progress-fill')!).transitionDuration);
  expect(await fillTransition(page)).toBe('0.6s');
  const still = await (await browser.newContext({ locale: LOCALES.ko, reducedMotion: 'reduce' })).newPage();
  await still.goto(`${system.gatewayUrl}/?event=line`);
  expect(await fillTransition(still)).toBe('0s');
});
