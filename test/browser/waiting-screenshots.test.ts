/**
 * How the waiting page looks and speaks: Korean by default, English by the
 * switch (kept across reloads) or ?lang=; an operator's notice shows; the
 * live region speaks. Screenshots of both languages on a phone and a desktop,
 * and of the pre-queue, go to docs/screenshots/.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, launchBrowser, newContext, pageErrors, PHONE, screenshot } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { adminRequest, OPERATOR, operatorAccounts, signIn } from './console-support.js';
import { hook, joinAhead } from './waiting-support.js';

const NOTICE = '서울 중구 센터의 14시 예약은 마감되었습니다. / The 14:00 slots at Seoul Jung-gu are full.';
const TITLE = { ko: '53~54세 백신 사전예약', en: 'Vaccine pre-booking, ages 53–54' };

let browser: Browser;
let system: TestSystem;
let ahead: TestClient[] = [];
const errors: string[][] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  const now = Date.now();
  system = await startTestSystem({
    // One admission a second: a line that moves steadily (so the measured rate, and the ETA, stay known) and lasts the whole test.
    events: [
      testEvent({ title: TITLE, admitsPerMinute: 60, maxActive: 1000 }, now),
      testEvent({ id: 'later', title: TITLE, prequeueOpensAt: now - 60_000, opensAt: now + 2 * 3600_000 + 754_000, closesAt: now + 24 * 3600_000 }, now),
    ],
    config: { operators: await operatorAccounts([OPERATOR]) },
  });
  ahead = await joinAhead(system.wsUrl, 200);
  const cookie = await signIn(system.gatewayUrl!, OPERATOR);
  const notice = await adminRequest(system.gatewayUrl!, 'POST', '/admin/events/ev/notice', { cookie, body: { text: NOTICE } });
  expect(notice.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await Promise.all(ahead.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
});

async function open(viewport: { width: number; height: number }, query: string, locale = 'ko-KR'): Promise<Page> {
  const page = await (await newContext(browser, { viewport, locale })).newPage();
  errors.push(pageErrors(page));
  await page.goto(`${system.gatewayUrl}/?event=ev${query}`);
  await expect.poll(() => hook(page, 'people-ahead'), { timeout: 10_000 }).toMatch(/^\d+$/);
  await expect.poll(() => hook(page, 'operator-notice'), { timeout: 5_000 }).toBe(NOTICE);
  return page;
}

it('speaks Korean by default and shows place, ETA, rate, notice and the reassurance', async () => {
  for (const [name, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    const page = await open(viewport, '');
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    expect(await page.textContent('h1')).toBe(TITLE.ko);
    await expect.poll(() => hook(page, 'eta')).toMatch(/^약 \d+분 \(.+쯤\)$/);
    expect(await page.textContent('#rate')).toMatch(/^분당 [\d.]+명$/);
    expect(await page.textContent('main')).toContain('순서는 사라지지 않으며');
    expect(await page.locator('[data-testid="operator-notice"]').isVisible()).toBe(true);
    expect(await page.getAttribute('#announcer', 'aria-live')).toBe('polite');
    await expect
      .poll(() => page.locator('#announcer p').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringMatching(/^앞에 \d+명이 있습니다\.$/), `운영자 공지: ${NOTICE}`]));
    await screenshot(page, `waiting-ko-${name}`);
  }
});

it('switches to English by the button (kept after a reload) and by ?lang=en, and back by ?lang=ko', async () => {
  const page = await open(PHONE, '');
  await page.click('[data-testid="lang-en"]');
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await page.textContent('h1')).toBe(TITLE.en);
  expect(await page.getAttribute('[data-testid="lang-en"]', 'aria-pressed')).toBe('true');
  await expect.poll(() => hook(page, 'eta')).toMatch(/^About \d+ min \(around .+\)$/);
  await page.reload();
  await expect.poll(() => page.textContent('h1')).toBe(TITLE.en);
  await page.goto(`${system.gatewayUrl}/?event=ev&lang=ko`);
  await expect.poll(() => page.textContent('h1')).toBe(TITLE.ko);

  for (const [name, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    const english = await open(viewport, '&lang=en');
    expect(await english.textContent('main')).toContain('does not lose your place');
    await expect.poll(() => hook(english, 'eta')).toMatch(/^About \d+ min/);
    await screenshot(english, `waiting-en-${name}`);
  }
  // A browser set to English gets English when nothing was chosen.
  const fromBrowser = await open(PHONE, '', 'en-US');
  expect(await fromBrowser.textContent('h1')).toBe(TITLE.en);
});

it('shows the pre-queue countdown before the opening, with no place yet', async () => {
  const page = await (await newContext(browser, { viewport: PHONE })).newPage();
  errors.push(pageErrors(page));
  await page.goto(`${system.gatewayUrl}/?event=later`);
  await page.locator('#prequeue').waitFor({ timeout: 10_000 });
  await expect.poll(() => page.textContent('#opens-in')).toMatch(/^2:1\d:\d\d$/);
  expect(await page.getAttribute('[data-testid="connection-state"]', 'data-state')).toBe('prequeue');
  expect(await page.textContent('#prequeue-count')).toMatch(/^\d+명이 시작을 기다리고 있습니다\.$/);
  await screenshot(page, 'waiting-prequeue-ko-phone');
  expect(errors.flat()).toEqual([]);
});
