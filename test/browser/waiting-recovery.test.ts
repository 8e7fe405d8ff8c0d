/**
 * The recovery code in real Chromium (issue 18 §2, decision 030): a phone joins behind two people and shows its
 * code and QR; a fresh browser (its own storage, its own place) types the code, mistyped first, and takes over the
 * same place; the phone stops; the code does not work twice; the new browser's own code, opened from its QR link on
 * another phone, moves the place again, and that phone reaches the turn and books with the same ticket. axe runs on each recovery state.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { countLine, expectNoSeriousViolations } from '../support/axe.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { DESKTOP, launchBrowser, newContext, PHONE, pageErrors, screenshot } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { hook, joinAhead } from './waiting-support.js';

let browser: Browser;
let system: TestSystem;
let ahead: TestClient[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({ events: [testEvent({ maxActive: 1 })] });
  await system.stores.queue.setPaused('ev', true);
}, 120_000);

afterAll(async () => {
  await Promise.all(ahead.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
});

async function openPage(viewport: { width: number; height: number }, query = '', fragment = ''): Promise<Page> {
  const page = await (await newContext(browser, { viewport })).newPage();
  await page.goto(`${system.gatewayUrl}/?event=ev${query}${fragment}`);
  return page;
}

/** axe on the state shown: no serious or critical violation; the counts go to the run's log. */
async function checkAxe(page: Page, label: string): Promise<void> {
  console.log(countLine(label, await expectNoSeriousViolations(page, label)));
}

async function typeCode(page: Page, code: string): Promise<void> {
  await page.fill('#recover-code', code);
  await page.click('#recover-form button[type="submit"]');
}

it('shows a code on one browser, restores the same place from it on another, and books there', async () => {
  ahead = await joinAhead(system.wsUrl, 2);
  const phone = await openPage(PHONE);
  const phoneErrors = pageErrors(phone);
  await expect.poll(() => hook(phone, 'ticket-no'), { timeout: 10_000 }).toBe('3');
  await expect.poll(() => hook(phone, 'people-ahead')).toBe('2');

  // Not on the screen until asked for.
  expect(await phone.locator('[data-testid="recovery-code"]').isVisible()).toBe(false);
  await phone.click('#recovery > summary');
  const shown = phone.locator('[data-testid="recovery-code"]').filter({ hasText: /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{5}$/ });
  await shown.waitFor({ timeout: 10_000 });
  const code = (await shown.textContent())!;
  await phone.locator('#recovery-qr[src^="data:image/svg+xml"]').waitFor({ state: 'visible' });
  expect(await phone.getAttribute('#recovery-qr', 'alt')).toContain(code);
  await checkAxe(phone, 'waiting ko recovery code shown');
  await screenshot(phone, 'waiting-recovery-code-ko-phone');

  // A fresh browser: no storage of the phone's, so it joins with a place of its own first.
  const desk = await openPage(DESKTOP, '&lang=en');
  const deskErrors = pageErrors(desk);
  await expect.poll(() => hook(desk, 'ticket-no'), { timeout: 10_000 }).toBe('4');
  await expect.poll(() => hook(desk, 'people-ahead'), { timeout: 10_000 }).toBe('3');
  await desk.click('#recover > summary');
  const symbols = code.replace(/-/g, '').split('');
  const swapAt = symbols.findIndex((symbol, i) => symbol !== symbols[i + 1]);
  [symbols[swapAt], symbols[swapAt + 1]] = [symbols[swapAt + 1]!, symbols[swapAt]!];
  await typeCode(desk, symbols.join(''));
  await expect.poll(() => desk.locator('#recover-error').textContent()).toMatch(/two are swapped/);
  expect(await desk.getAttribute('#recover-code', 'aria-invalid')).not.toBeNull();
  await checkAxe(desk, 'waiting en recovery code mistyped');
  await screenshot(desk, 'waiting-recovery-mistyped-en-desktop');

  await typeCode(desk, code.toLowerCase().replace(/0/g, 'o'));
  await expect.poll(() => hook(desk, 'ticket-no'), { timeout: 10_000 }).toBe('3');
  await expect.poll(() => desk.locator('#recover-status').textContent()).toBe('Your place is restored: ticket number 3.');
  // Ticket 3 behind the two clients: 2 ahead, or 1 when the place given up just behind (ticket 4) rounds into the
  // leavers ahead (shared/queue/position.ts estimates leavers within a range). The turn below comes right after those two.
  await expect.poll(() => hook(desk, 'people-ahead')).toMatch(/^[12]$/);
  await checkAxe(desk, 'waiting en place restored');
  // The phone's connection was taken over: it says so and stops.
  await expect.poll(() => phone.locator('#problem-text').textContent(), { timeout: 10_000 }).toMatch(/다른 탭이나 창/);

  // Used once: a third browser gets nothing from it.
  const third = await openPage(DESKTOP, '&lang=en');
  await expect.poll(() => hook(third, 'ticket-no'), { timeout: 10_000 }).toBe('5');
  await third.click('#recover > summary');
  await typeCode(third, code);
  await expect.poll(() => third.locator('#recover-error').textContent()).toMatch(/used already/);
  expect(await hook(third, 'ticket-no')).toBe('5');

  // The restored place has a code of its own; its QR's link, opened on another phone, restores the place by itself.
  await desk.click('#recovery > summary');
  await desk.locator('#recovery-qr[src^="data:image/svg+xml"]').waitFor({ state: 'visible', timeout: 10_000 });
  const second = (await desk.locator('[data-testid="recovery-code"]').textContent())!;
  expect(second).not.toBe(code);
  const linked = await openPage(PHONE, '', `#recover=${second}`);
  const linkedErrors = pageErrors(linked);
  await expect.poll(() => hook(linked, 'ticket-no'), { timeout: 15_000 }).toBe('3');
  expect(new URL(linked.url()).hash).toBe('');
  await expect.poll(() => desk.locator('#problem-text').textContent(), { timeout: 10_000 }).toMatch(/another tab or window/);

  // The turn comes to the restored place, and it books with the phone's ticket.
  await system.stores.queue.setPaused('ev', false);
  for (const client of ahead) {
    const grant = await client.waitFor('admitted');
    expect((await postBooking(system.reservationsUrl, 'ev', bookingBody(grant.grant, client.secret))).status).toBe(201);
  }
  await linked.waitForURL(/\/book\/\?event=ev$/, { timeout: 15_000 });
  // Nothing is chosen for the person (issue 18 §5): the first free slot is.
  await linked.check('#slots input:not(:disabled)', { timeout: 5_000 });
  await linked.fill('#name', 'Hong Gildong');
  await linked.fill('#birth-date', '1968-05-17');
  const handedOver = JSON.parse((await linked.evaluate(() => localStorage.getItem('waitroom:ev')))!) as { grant: string; secret: string };
  await linked.click('#book');
  const reference = linked.locator('[data-testid="booking-reference"]').filter({ hasText: /^WR-[A-Z2-9]{10}$/ });
  await reference.waitFor({ timeout: 10_000 });
  // The booking is the phone's ticket's: the same request again returns it.
  const repeat = await postBooking(
    system.reservationsUrl,
    'ev',
    bookingBody(handedOver.grant, handedOver.secret, { person: { name: 'Hong Gildong', birthDate: '1968-05-17' } }),
  );
  expect(repeat).toMatchObject({ status: 200, body: { repeated: true, booking: { reference: await reference.textContent(), ticketNo: 3 } } });
  expect(await system.stores.bookings.bookingCount('ev')).toBe(3);
  expect(phoneErrors).toEqual([]);
  expect(linkedErrors).toEqual([]);
}, 90_000);
