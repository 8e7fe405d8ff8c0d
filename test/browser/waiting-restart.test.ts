/**
 * The server restarts mid-wait (Redis store, fixed port, same keys and key
 * prefix): the page notices, reconnects by itself with backoff, and shows the
 * same ticket number and place, with no action from the person.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { generateKeys } from '../../server/config/keys.js';
import { launchBrowser, newContext, pageErrors, PHONE } from '../support/browser.js';
import { freePort } from '../support/processes.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { hook, joinAhead, shownState } from './waiting-support.js';

const keys = generateKeys('test');
const prefix = uniquePrefix();
const event = testEvent({ graceSeconds: 120 });
let port = 0;
let browser: Browser;
let system: TestSystem | null = null;
let ahead: TestClient[] = [];

/** The same deployment each time: port, keys, events, Redis and key prefix. */
function start(): Promise<TestSystem> {
  return startTestSystem({ keys, events: [event], gateway: { port }, config: { store: { kind: 'redis', redisUrl: TEST_REDIS_URL, keyPrefix: prefix } } });
}

beforeAll(async () => {
  browser = await launchBrowser();
  port = await freePort();
}, 120_000);

afterAll(async () => {
  await Promise.all(ahead.map((client) => client.close()));
  await browser?.close();
  await system?.stop();
  await deletePrefix(prefix);
});

it('reconnects by itself after a server restart and shows the same ticket', async () => {
  system = await start();
  await system.stores.queue.setPaused('ev', true);
  ahead = await joinAhead(system.wsUrl, 2);
  const page = await (await newContext(browser, { viewport: PHONE })).newPage();
  const errors = pageErrors(page);
  await page.goto(`${system.gatewayUrl}/?event=ev`);
  await expect.poll(() => hook(page, 'ticket-no'), { timeout: 10_000 }).toBe('3');
  await expect.poll(() => hook(page, 'people-ahead')).toBe('2');

  await system.stop();
  system = null;
  await expect.poll(() => shownState(page), { timeout: 5_000 }).toBe('reconnecting');
  // Down for a moment, as in a rolling restart.
  await page.waitForTimeout(1_000);
  expect(await shownState(page)).toBe('reconnecting');

  system = await start();
  // The backoff's waits (at most 2 s, 4 s, 8 s…) bound how soon the page is back.
  await expect.poll(() => shownState(page), { timeout: 30_000 }).toBe('paused');
  expect(await hook(page, 'ticket-no')).toBe('3');
  await expect.poll(() => hook(page, 'people-ahead')).toBe('2');
  expect(errors.filter((error) => !/WebSocket connection to .* failed/.test(error))).toEqual([]);
});
