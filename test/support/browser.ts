/**
 * Headless Chromium for the page tests: Debian's package (`apt-get install -y
 * chromium`) driven by playwright-core. Never `npx playwright install`: it
 * downloads a browser, and this machine has no internet. A missing browser
 * fails the suite loudly rather than skipping it.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { pagesAreCurrent } from '../../server/main/build-pages.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Starts Chromium; the pages must be built and current (the test run's global setup builds them once). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  }
  if (!pagesAreCurrent())
    throw new Error('dist/client is missing or older than client/ and shared/: run `npm run build` (the test run builds it in its global setup)');
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

/** Screen sizes the screenshots are taken at. */
export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

/** A fresh profile (its own localStorage) with the given language and screen size. */
export function newContext(browser: Browser, options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  return browser.newContext({ locale: options.locale ?? 'ko-KR', viewport: options.viewport ?? DESKTOP, timezoneId: 'Asia/Seoul' });
}

export const SCREENSHOT_DIR = 'docs/screenshots';

/** Writes docs/screenshots/NAME.png (the README shows the committed ones). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
}

/** Collects the page's uncaught errors and console errors, so a test can assert there were none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}
