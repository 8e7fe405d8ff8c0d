/**
 * The kiosk display in real Chromium against a whole system on the Redis
 * store: the figures it shows match the gateway's metrics and the store
 * while real WebSocket clients wait and one of them books; when the gateway
 * goes away the page keeps the last figures, marked stale with their time;
 * when the gateway returns on the same port the page recovers by itself.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import type { Stores } from '../../server/store/types.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { launchBrowser, newContext, pageErrors, screenshot } from '../support/browser.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { readMetric } from './console-support.js';

const CLIENTS = 12;
const MAX_ACTIVE = 3;
const CENTER = 'seoul-jung';
const SLOTS = [
  { id: 't0900', label: '09:00', capacity: 120 },
  { id: 't1000', label: '10:00', capacity: 120 },
  { id: 't1100', label: '11:00', capacity: 80 },
  { id: 't1300', label: '13:00', capacity: 120 },
  { id: 't1400', label: '14:00', capacity: 60 },
  { id: 't1500', label: '15:00', capacity: 40 },
];
const EVENT = testEvent({
  title: { ko: '코로나19 백신 사전예약 (53–54세)', en: 'COVID-19 vaccine pre-booking (ages 53–54)' },
  maxActive: MAX_ACTIVE,
  admitsPerMinute: 600,
  centers: [{ id: CENTER, name: '서울 중구 예방접종센터', slots: SLOTS }],
});
const KIOSK_SIZE = { width: 1920, height: 1080 };

describe('kiosk display (Redis store, real Chromium)', () => {
  const keys = generateKeys('test');
  const clients: TestClient[] = [];
  let stores: Stores;
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  // The ws transport: a uWS gateway restarted on its port waits for its previous connections' TIME_WAIT
  // to end before it can listen (uWS sets no SO_REUSEADDR), up to a minute; Node's server does not wait.
  const start = (port = 0) => startTestSystem({ store: 'redis', transport: 'ws', stores, keys, events: [EVENT], gateway: { port } });
  const shownWaiting = async () => Number((await page.locator('[data-testid="kiosk-waiting"]').textContent())?.replace(/,/g, ''));
  const shownRemaining = (slotId: string) => page.locator(`[data-testid="kiosk-slot"][data-slot-id="${slotId}"]`).getAttribute('data-remaining');

  beforeAll(async () => {
    stores = await storeFactories.find((factory) => factory.name === 'redis')!.create();
    system = await start();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await browser?.close();
    await system?.stop();
    await stores?.close();
  });

  it('shows the waiting count of the metrics and the slots left in the store while people wait and book', async () => {
    for (let k = 0; k < CLIENTS; k++) {
      const client = await TestClient.connect(system.wsUrl);
      await client.join('ev');
      clients.push(client);
    }
    await expect.poll(() => clients.filter((client) => client.grant).length, { timeout: 10_000 }).toBe(MAX_ACTIVE);

    page = await (await newContext(browser, { viewport: KIOSK_SIZE })).newPage();
    errors = pageErrors(page);
    await page.goto(`${system.gatewayUrl}/kiosk/?event=ev&center=${CENTER}`);
    await page.locator('[data-testid="kiosk"][data-stale="false"]').waitFor({ timeout: 10_000 });
    const gateway = system.gatewayUrl!;
    await expect
      .poll(async () => [await shownWaiting(), await readMetric(gateway, 'waitroom_queue_waiting', 'ev')], { timeout: 10_000 })
      .toEqual([CLIENTS - MAX_ACTIVE, CLIENTS - MAX_ACTIVE]);
    expect(await page.locator('[data-testid="kiosk-state"]').getAttribute('data-state')).toBe('open');
    for (const slot of SLOTS) expect(await shownRemaining(slot.id)).toBe(String(slot.capacity));

    // One admitted person books: a slot unit is taken, and the freed place admits the next in line.
    const booker = clients.find((client) => client.grant)!;
    const booked = await postBooking(system.reservationsUrl, 'ev', bookingBody(booker.grant!.grant, booker.secret, { centerId: CENTER, slotId: 't0900' }));
    expect(booked.status).toBe(201);
    const taken = (await stores.bookings.taken('ev')).get(`${CENTER}/t0900`);
    expect(taken).toBe(1);
    await expect
      .poll(async () => [await shownWaiting(), await readMetric(gateway, 'waitroom_queue_waiting', 'ev')], { timeout: 10_000 })
      .toEqual([CLIENTS - MAX_ACTIVE - 1, CLIENTS - MAX_ACTIVE - 1]);
    await expect.poll(() => shownRemaining('t0900'), { timeout: 10_000 }).toBe(String(120 - taken!));

    await expect(page.locator('[data-testid="kiosk-eta"]').textContent()).resolves.toMatch(/\S/);
    await screenshot(page, 'kiosk');
    expect(errors).toEqual([]);
  });

  it('keeps the last figures marked stale while the gateway is away, and recovers on its own when it returns', async () => {
    const port = Number(new URL(system.gatewayUrl!).port);
    const updatedBefore = await page.locator('[data-testid="kiosk-updated"]').textContent();
    const waitingBefore = await shownWaiting();

    await system.stop();
    const stoppedAt = Date.now();
    await page.locator('[data-testid="kiosk"][data-stale="true"]').waitFor({ timeout: 5000 });
    const staleAfterMs = Date.now() - stoppedAt;
    const banner = page.locator('[data-testid="kiosk-banner"]');
    await expect(banner.isVisible()).resolves.toBe(true);
    const bannerText = await banner.textContent();
    expect(bannerText).toContain('Connection lost');
    expect(bannerText).toContain(updatedBefore!.replace(/^.*Updated /, ''));
    expect(await shownWaiting()).toBe(waitingBefore);
    await screenshot(page, 'kiosk-stale');

    system = await start(port);
    const restartedAt = Date.now();
    await page.locator('[data-testid="kiosk"][data-stale="false"]').waitFor({ timeout: 20_000 });
    const recoveredAfterMs = Date.now() - restartedAt;
    await expect(banner.isVisible()).resolves.toBe(false);
    expect(await page.locator('[data-testid="kiosk-updated"]').textContent()).not.toBe(updatedBefore);
    const gateway = system.gatewayUrl!;
    await expect.poll(async () => (await shownWaiting()) === (await readMetric(gateway, 'waitroom_queue_waiting', 'ev')), { timeout: 10_000 }).toBe(true);
    console.log(`kiosk: stale ${staleAfterMs} ms after the gateway stopped; fresh again ${recoveredAfterMs} ms after it returned`);
  });
});
