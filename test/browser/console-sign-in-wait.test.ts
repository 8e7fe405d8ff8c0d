/**
 * The console's sign-in page during a lockout (real Chromium): a right
 * password refused with 429 SIGN_IN_THROTTLED is told in words when to try
 * again, counting down, the button disabled; once the time is up the same
 * password signs in.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext } from '../support/browser.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { OPERATOR, operatorAccounts } from './console-support.js';

const LOCKOUT_SECONDS = 3;

describe('console sign-in during a lockout (real Chromium)', () => {
  let system: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    const signInThrottle = { accountFreeFailures: 1, firstLockoutSeconds: LOCKOUT_SECONDS, maxLockoutSeconds: LOCKOUT_SECONDS, forgetAfterSeconds: 60 };
    system = await startTestSystem({ config: { operators: await operatorAccounts([OPERATOR]), admin: { signInThrottle } } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('says "try again in N s", keeps the button disabled until then, and signs in afterwards', async () => {
    const page = await (await newContext(browser, { locale: 'en-US' })).newPage();
    await page.goto(`${system.gatewayUrl}/console/`);
    const error = page.locator('[data-testid="login-error"]');
    for (const attempt of ['wrong-1', 'wrong-2']) {
      await page.fill('#login-name', OPERATOR.name);
      await page.fill('#login-password', attempt);
      await page.click('#login-submit');
      await expect.poll(() => error.textContent()).toContain('401 UNAUTHORIZED');
      await page.evaluate(() => (document.getElementById('login-error')!.textContent = ''));
    }
    await page.fill('#login-password', OPERATOR.password);
    await page.click('#login-submit');
    await expect.poll(() => error.textContent()).toMatch(/Try again in [1-3] s\./);
    expect(await page.locator('#login-submit').isDisabled()).toBe(true);
    await expect.poll(() => error.textContent(), { timeout: (LOCKOUT_SECONDS + 5) * 1000 }).toContain('You can try again now.');
    expect(await page.locator('#login-submit').isDisabled()).toBe(false);
    await page.click('#login-submit');
    await page.locator('[data-testid="event-card"]').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="signed-in-as"]').textContent()).toBe(OPERATOR.name);
  });
});
