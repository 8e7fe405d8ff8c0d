/**
 * The kiosk on a portrait stand (1080×1920) read from 3 m (issue 18 §5):
 * every label at least 40 px in Korean and 32 px in English (about 2 cm
 * letters on a 55-inch screen: a 3 m reading distance asks for roughly
 * that), the slots filling the screen down to its bottom, and figures that
 * went stale keeping their full contrast (the banner says they are old):
 * no dimming of the figures, and axe finds nothing serious on the stale screen.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expectNoSeriousViolations } from '../support/axe.js';
import { launchBrowser, newContext, screenshot } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';

const PORTRAIT = { width: 1080, height: 1920 };
const SLOTS = ['09:00', '10:00', '11:00', '13:00', '14:00', '15:00'].map((label, k) => ({ id: `t${k}`, label, capacity: 40 + 20 * k }));

let browser: Browser;
let system: TestSystem;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({ events: [testEvent({ centers: [{ id: 'jung', name: '서울 중구 예방접종센터', slots: SLOTS }] })] });
  page = await (await newContext(browser, { viewport: PORTRAIT })).newPage();
  await page.goto(`${system.gatewayUrl}/kiosk/?event=ev&center=jung`);
  await page.locator('[data-testid="kiosk"][data-stale="false"]').waitFor({ timeout: 10_000 });
  await page
    .locator('[data-testid="kiosk-slot"]')
    .nth(SLOTS.length - 1)
    .waitFor({ timeout: 10_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

/** Slots whose content does not fit their box, overlap the next, or are cut off by the panel (none expected). */
function crampedSlots(): Promise<string[]> {
  return page.evaluate(() => {
    const panel = document.querySelector('.center')!.getBoundingClientRect();
    const slots = [...document.querySelectorAll<HTMLElement>('[data-testid="kiosk-slot"]')];
    return slots.flatMap((slot, k) => {
      const box = slot.getBoundingClientRect();
      const next = slots[k + 2]?.getBoundingClientRect(); // two columns: the one below
      const problems: string[] = [];
      if (slot.scrollHeight > slot.clientHeight + 1) problems.push(`${slot.dataset.slotId} overflows`);
      if (next && next.top < box.bottom) problems.push(`${slot.dataset.slotId} overlaps the next`);
      if (box.bottom > panel.bottom + 1) problems.push(`${slot.dataset.slotId} is cut off`);
      return problems;
    });
  });
}

/** The smallest font size (px) among the elements matched, and where. */
function smallestFont(selector: string): Promise<{ px: number; text: string }> {
  return page.$$eval(selector, (nodes) =>
    nodes
      .filter((node) => node.getClientRects().length > 0 && (node.textContent ?? '').trim() !== '')
      .map((node) => ({ px: parseFloat(getComputedStyle(node).fontSize), text: (node.textContent ?? '').trim().slice(0, 40) }))
      .reduce((a, b) => (b.px < a.px ? b : a), { px: Infinity, text: '' }),
  );
}

it('sets every label large enough for 3 m, in Korean and English, and fills the screen to its bottom', async () => {
  const korean = await smallestFont('.figure h2 [lang="ko"], .center h2 [lang="ko"], .center-name, .unit [lang="ko"], .slot-label, .slot-remaining');
  const english = await smallestFont('.figure h2 .en, .center h2 .en, .unit .en, .slot-capacity, .titles .en, .bottom p, .pill .en');
  console.log(`kiosk portrait: smallest Korean label ${korean.px} px ("${korean.text}"), English ${english.px} px ("${english.text}")`);
  expect(korean.px).toBeGreaterThanOrEqual(40);
  expect(english.px).toBeGreaterThanOrEqual(32);

  const [lastSlotBottom, pageBottom] = await page.evaluate(() => [
    Math.max(...[...document.querySelectorAll('[data-testid="kiosk-slot"]')].map((slot) => slot.getBoundingClientRect().bottom)),
    document.documentElement.scrollHeight,
  ]);
  expect(pageBottom).toBeLessThanOrEqual(PORTRAIT.height); // nothing cut off below the screen
  expect(lastSlotBottom).toBeGreaterThan(PORTRAIT.height * 0.85); // the bottom third holds slots, not emptiness
  expect(await crampedSlots()).toEqual([]);
  await screenshot(page, 'kiosk-portrait');
  await expectNoSeriousViolations(page, 'kiosk portrait');
});

it('keeps stale figures at full contrast while the banner says they are old', async () => {
  await system.stop();
  await page.locator('[data-testid="kiosk"][data-stale="true"]').waitFor({ timeout: 5_000 });
  const faded = await page.evaluate(() =>
    ['.figures', '.center', '.pill', '#waiting', '.slot-remaining'].map((selector) => {
      let opacity = 1;
      for (let node: Element | null = document.querySelector(selector); node; node = node.parentElement) opacity *= Number(getComputedStyle(node).opacity);
      return [selector, opacity, getComputedStyle(document.querySelector(selector)!).filter];
    }),
  );
  for (const [selector, opacity, filter] of faded) expect({ selector, opacity, filter }).toEqual({ selector, opacity: 1, filter: 'none' });
  expect(await page.locator('[data-testid="kiosk-banner"]').isVisible()).toBe(true);
  expect(await crampedSlots()).toEqual([]); // the banner takes room: the slots still fit
  await screenshot(page, 'kiosk-portrait-stale');
  await expectNoSeriousViolations(page, 'kiosk portrait stale');
});
