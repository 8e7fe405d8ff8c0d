/**
 * The turn and the booking page for a keyboard and screen-reader user
 * (issue 18 §5): the live region does not say "not connected" during the
 * planned move to the booking page; after each submit the focus is on what
 * answered it (the refusal, or the confirmation's heading), never on the
 * page body; the success is announced in a live region.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dictionaries } from '../../client/i18n/index.js';
import { expectNoSeriousViolations } from '../support/axe.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { launchBrowser, newContext, pageErrors, PHONE } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { joinAhead, withoutHttpStatus } from './waiting-support.js';

const ko = dictionaries.ko;
const TAKEN = { name: '김민수', birthDate: '1969-11-02' };

let browser: Browser;
let system: TestSystem;
let ahead: TestClient[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({ events: [testEvent({ maxActive: 1 })] });
}, 120_000);

afterAll(async () => {
  await Promise.all(ahead.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
});

/** Every line the waiting page's live region was given, kept on window (the region drops old lines). */
async function recordAnnouncements(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const said: string[] = [];
    (window as unknown as { said: string[] }).said = said;
    new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) if ((node as Element).closest?.('#announcer')) said.push(node.textContent ?? '');
    }).observe(document, { childList: true, subtree: true });
  });
}

/** What has the focus: its id, or its tag and the closest id around it. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement;
    if (!active || active === document.body) return 'body';
    return active.id || `${active.tagName.toLowerCase()} in #${active.closest('[id]')?.id ?? ''}`;
  });
}

it('says the turn without "not connected" before it, focuses each answer and announces the booking', async () => {
  ahead = await joinAhead(system.wsUrl, 1);
  const rival = ahead[0]!;
  const page = await (await newContext(browser, { viewport: PHONE })).newPage();
  const errors = pageErrors(page);
  await recordAnnouncements(page);
  await page.goto(`${system.gatewayUrl}/?event=ev`);
  await expect.poll(() => page.locator('[data-testid="people-ahead"]').textContent(), { timeout: 10_000 }).toBe('0'); // the rival holds the one place
  expect(await page.getByRole('progressbar', { name: ko.progressLabel }).count()).toBe(1);

  const grant = await rival.waitFor('admitted');
  // The rival books as 김민수: the page's first try, as the same person, is refused (ALREADY_BOOKED).
  expect((await postBooking(system.reservationsUrl, 'ev', bookingBody(grant.grant, rival.secret, { person: TAKEN }))).status).toBe(201);
  await rival.close();
  await page.locator('#turn').waitFor({ timeout: 10_000 });
  await expect.poll(() => page.evaluate(() => (window as unknown as { said: string[] }).said.some((line) => line.startsWith('차례가')))).toBe(true);
  const said = await page.evaluate(() => (window as unknown as { said: string[] }).said);
  expect(said).not.toContain(ko.states.connectionClosed);
  expect(said.some((line) => line.includes(ko.states.connectionClosed))).toBe(false);

  await page.waitForURL(/\/book\/\?event=ev$/, { timeout: 15_000 });
  await page.locator('#slots input[value="s1"]:not(:disabled)').waitFor({ timeout: 5_000 });
  await page.check('#slots input[value="s1"]');
  await page.click('#book'); // nothing typed: the name is asked for, and focused
  expect(await focused(page)).toBe('name');

  await page.fill('#name', TAKEN.name);
  await page.fill('#birth-date', TAKEN.birthDate);
  await page.click('#book');
  await expect.poll(() => page.textContent('[data-testid="booking-status"]'), { timeout: 5_000 }).toBe(ko.bookingErrors.ALREADY_BOOKED);
  expect(await focused(page)).toBe('booking-status');
  await expectNoSeriousViolations(page, 'booking ko refusal focused');

  await page.fill('#name', '이영희');
  await page.click('#book');
  await page.locator('[data-testid="booking-reference"]').filter({ hasText: /^WR-/ }).waitFor({ timeout: 10_000 });
  expect(await focused(page)).toBe('done-heading');
  expect(await page.textContent('#done-heading')).toBe(ko.confirmedHeading);
  const reference = await page.textContent('[data-testid="booking-reference"]');
  // Said in a live region that is on the page (the form's status went with the form).
  expect(await page.locator('#booking-announcer').getAttribute('role')).toBe('status');
  expect(await page.locator('#booking-announcer').textContent()).toBe(ko.announceBooked(reference!));
  await expectNoSeriousViolations(page, 'booking ko confirmation focused');
  expect(withoutHttpStatus(errors, 409)).toEqual([]);
});
