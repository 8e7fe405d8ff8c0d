/**
 * The waiting page on an event that asks for proof of work, in headless
 * Chromium against a real system: the page says it is checking the browser,
 * solves the challenge in a Web Worker, joins and shows its place; a second
 * tab of the same browser shows the same ticket, and the store issued one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dictionaries } from '../../client/i18n/index.js';
import { launchBrowser, newContext, pageErrors, PHONE } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { hook } from './waiting-support.js';

/** About 16,000 hashes: well under a second in a worker here, long enough to see the check. */
const DIFFICULTY = 14;
/** A node number no gateway uses, to read the figures with. */
const READER_NODE = 99;

let browser: Browser;
let system: TestSystem;

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({ events: [testEvent({ proofOfWork: { difficulty: DIFFICULTY, challengeTtlSeconds: 60 } })] });
  await system.stores.queue.setPaused('ev', true);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

async function issued(): Promise<number> {
  return (await system.stores.queue.figures('ev', Date.now(), READER_NODE)).issued;
}

it('solves the challenge in a worker, shows the place; a second tab shows the same ticket and no new place is issued', async () => {
  const context = await newContext(browser, { viewport: PHONE });
  // Every text the problem card shows, however briefly (the check can take well under a second).
  await context.addInitScript(() => {
    const seen: string[] = ((window as unknown as { problemTexts: string[] }).problemTexts = []);
    new MutationObserver(() => {
      const text = document.getElementById('problem-text')?.textContent ?? '';
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const first = await context.newPage();
  const errors = pageErrors(first);
  const workers: string[] = [];
  first.on('worker', (worker) => workers.push(worker.url()));
  await first.goto(`${system.gatewayUrl}/?event=ev`);

  await expect.poll(() => hook(first, 'ticket-no'), { timeout: 15_000 }).toBe('1');
  expect(
    workers.some((url) => /\/assets\/pow-worker-[\w-]+\.js$/.test(url)),
    workers.join(', '),
  ).toBe(true);
  expect(await first.evaluate(() => (window as unknown as { problemTexts: string[] }).problemTexts)).toContain(dictionaries.ko.waitingErrors.POW_REQUIRED);
  expect(await first.locator('#problem').isVisible()).toBe(false); // the check's notice is gone once the place shows
  const device = JSON.parse((await first.evaluate(() => localStorage.getItem('waitroom:device')))!) as { key: string };
  expect(device.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(await issued()).toBe(1);

  const second = await context.newPage();
  errors.push(...pageErrors(second));
  await second.goto(`${system.gatewayUrl}/?event=ev`);
  await expect.poll(() => hook(second, 'ticket-no'), { timeout: 15_000 }).toBe('1');
  expect(await issued()).toBe(1);
  expect(errors).toEqual([]);
});
