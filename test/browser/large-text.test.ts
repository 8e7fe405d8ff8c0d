/**
 * 200 % text on a phone (issue 18 §5): Chromium's own text-size setting (the
 * default font size doubled through the DevTools Protocol, as a person's
 * browser setting does) on a 360×800 screen. The header's title breaks at
 * words, not one syllable a line, and the number of people ahead is on the
 * first screen, in Korean and English, waiting and paused.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expectNoSeriousViolations } from '../support/axe.js';
import { launchBrowser, newContext, SCREENSHOT_DIR } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { hook, joinAhead } from './waiting-support.js';

const SCREEN = { width: 360, height: 800 };
const TITLE = { ko: '53~54세 백신 사전예약', en: 'Vaccine pre-booking, ages 53–54' };

let browser: Browser;
let system: TestSystem;
let clients: TestClient[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({
    events: [testEvent({ id: 'line', title: TITLE, maxActive: 1 }), testEvent({ id: 'paused', title: TITLE })],
  });
  await system.stores.queue.setPaused('paused', true);
  clients = await joinAhead(system.wsUrl, 2, 'line');
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
});

/** A phone whose browser text size is 200 %: the default font 32 px instead of 16 (what the setting changes). */
async function largeTextPage(locale: string): Promise<Page> {
  const page = await (await newContext(browser, { locale, viewport: SCREEN })).newPage();
  const session = await page.context().newCDPSession(page);
  await session.send('Page.enable');
  await session.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
  return page;
}

interface Layout {
  rootFontPx: number;
  titleLines: number;
  titleWidth: number;
  longestWordWidth: number;
  aheadBottom: number;
  pageWidth: number;
}

function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const title = document.getElementById('event-title')!;
    const style = getComputedStyle(title);
    const lineHeight = parseFloat(style.lineHeight);
    // The widest word of the title, set alone in the title's font: a title narrower than it breaks inside a word.
    const probe = document.createElement('span');
    probe.style.font = style.font;
    probe.style.whiteSpace = 'nowrap';
    document.body.append(probe);
    const longestWordWidth = Math.max(
      ...(title.textContent ?? '').split(/\s+/).map((word) => {
        probe.textContent = word;
        return probe.getBoundingClientRect().width;
      }),
    );
    probe.remove();
    return {
      rootFontPx: parseFloat(getComputedStyle(document.documentElement).fontSize),
      titleLines: Math.round(title.getBoundingClientRect().height / lineHeight),
      titleWidth: title.getBoundingClientRect().width,
      longestWordWidth,
      // The one prominent figure: the number, or "any moment now" at 0 (a hidden element's box is empty).
      aheadBottom: Math.max(...['people-ahead', 'ahead-soon'].map((id) => document.getElementById(id)!.getBoundingClientRect().bottom)),
      pageWidth: document.documentElement.scrollWidth,
    };
  });
}

for (const [language, locale] of [
  ['ko', 'ko-KR'],
  ['en', 'en-GB'],
] as const) {
  for (const event of ['line', 'paused'] as const) {
    it(`keeps the title in words and the people ahead on the first screen (${language}, ${event})`, async () => {
      const page = await largeTextPage(locale);
      await page.goto(`${system.gatewayUrl}/?event=${event}&lang=${language}`);
      await expect.poll(() => hook(page, 'people-ahead'), { timeout: 10_000 }).toMatch(/^\d+$/);
      if (event === 'paused') await page.locator('[data-testid="connection-state"][data-state="paused"]').waitFor({ timeout: 5_000 });
      const layout = await measure(page);
      expect(layout.rootFontPx).toBe(32);
      expect(await page.textContent('#event-title')).toBe(TITLE[language]);
      // Whole words: the title is at least as wide as its longest word, in at most 4 lines (1 or 2 at this size).
      expect(layout.titleWidth).toBeGreaterThanOrEqual(layout.longestWordWidth - 1);
      expect(layout.titleLines).toBeLessThanOrEqual(4);
      expect(layout.aheadBottom).toBeLessThanOrEqual(SCREEN.height);
      expect(layout.pageWidth).toBeLessThanOrEqual(SCREEN.width); // nothing wider than the screen
      // The first screen, as the person sees it before scrolling.
      if (language === 'ko') await page.screenshot({ path: `${SCREENSHOT_DIR}/waiting-large-text-${event}-ko-phone.png` });
      await expectNoSeriousViolations(page, `waiting ${language} ${event} at 200 % text`);
    });
  }
}
