/**
 * Turn notices in real Chromium: the waiting page registers the service
 * worker (/sw.js, scope /), and a push delivered to it through the DevTools
 * Protocol (ServiceWorker.deliverPushMessage, as a push service would) shows
 * the turn notification in the person's language, with the page closed;
 * a click on it opens the event's waiting page, which resumes the place and
 * goes on to booking. The button and the phone field pass axe in each state.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { expectNoSeriousViolations } from '../support/axe.js';
import { launchBrowser, newContext, PHONE, screenshot } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { hook } from './waiting-support.js';

let browser: Browser;
let system: TestSystem;

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({
    events: [testEvent({ title: { ko: '53~54세 백신 사전예약', en: 'Vaccine pre-booking, ages 53–54' }, maxActive: 1 })],
    gateway: { turnNotices: { webhook: { url: 'http://127.0.0.1:9/turn-notices', secret: 'a-secret-of-at-least-thirty-two-chars' } } },
  });
  await system.stores.queue.setPaused('ev', true);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

/** The registration id of the page's service worker, from the DevTools Protocol. */
async function registrationId(context: BrowserContext, page: Page): Promise<[string, CDPSession]> {
  const cdp = await context.newCDPSession(page);
  const ids: string[] = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }: { registrations: { registrationId: string; scopeURL: string }[] }) => {
    for (const registration of registrations) if (registration.scopeURL === `${system.gatewayUrl}/`) ids.push(registration.registrationId);
  });
  await cdp.send('ServiceWorker.enable');
  await expect.poll(() => ids.length).toBeGreaterThan(0);
  return [ids[0]!, cdp];
}

it('shows a pushed turn notice with the page closed, and its click opens the waiting page, which moves on to booking', async () => {
  const context = await newContext(browser, { viewport: PHONE });
  await context.grantPermissions(['notifications'], { origin: system.gatewayUrl! });
  const page = await context.newPage();
  await page.goto(`${system.gatewayUrl}/?event=ev`);
  await expect.poll(() => hook(page, 'ticket-no'), { timeout: 10_000 }).toBe('1');
  expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)).toBe(`${system.gatewayUrl}/`);
  // DevTools Protocol sessions live on a page: this blank one stands for the browser (no page of the site stays open).
  const blank = await context.newPage();
  const [id, cdp] = await registrationId(context, blank);
  await page.close(); // the person closed the page
  const [worker] = context.serviceWorkers().length ? context.serviceWorkers() : [await context.waitForEvent('serviceworker')];

  const payload = {
    kind: 'turn',
    eventId: 'ev',
    title: { ko: '53~54세 백신 사전예약', en: '' },
    lang: 'ko',
    grantSeconds: 540,
    url: '/?event=ev',
    sentAt: Date.now(),
  };
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: system.gatewayUrl!, registrationId: id, data: JSON.stringify(payload) });
  const shown = () =>
    worker!.evaluate(async () =>
      (await (self as unknown as { registration: ServiceWorkerRegistration }).registration.getNotifications()).map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        data: n.data as unknown,
      })),
    );
  await expect.poll(shown, { timeout: 10_000 }).toHaveLength(1);
  expect((await shown())[0]).toEqual({
    title: '차례가 되었습니다 – 53~54세 백신 사전예약',
    body: '9분 안에 예약하세요. 눌러서 계속하세요.',
    tag: 'waitroom-turn-ev',
    data: { url: `${system.gatewayUrl}/?event=ev` },
  });

  // The click. No DevTools command clicks a system notification, and a window opens only on a real click (a synthetic
  // notificationclick has no user activation: openWindow rejects). So the worker's own handler runs on the notification
  // it showed, with clients.openWindow recorded (then called as it is); the browser opening that URL is what follows.
  const asked = await worker!.evaluate(async () => {
    type Scope = { registration: ServiceWorkerRegistration; clients: { openWindow(url: string): Promise<unknown> }; dispatchEvent(event: Event): boolean };
    const scope = self as unknown as Scope & { NotificationEvent: new (type: string, init: { notification: Notification }) => Event };
    const urls: string[] = [];
    const openWindow = scope.clients.openWindow.bind(scope.clients);
    scope.clients.openWindow = (url) => (urls.push(url), openWindow(url).catch(() => null));
    const [notification] = await scope.registration.getNotifications();
    scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification: notification! }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { urls, left: (await scope.registration.getNotifications()).length };
  });
  expect(asked).toEqual({ urls: [`${system.gatewayUrl}/?event=ev`], left: 0 }); // no page of the event open: a new window, the notice closed
  await system.stores.queue.setPaused('ev', false);
  const back = await context.newPage();
  await back.goto(asked.urls[0]!);
  await back.waitForURL(/\/book\/\?event=ev/, { timeout: 15_000 });
  await context.close();
});

it('says what will work in each state of the button and the phone field, each without a serious axe violation', async () => {
  const context = await newContext(browser, { viewport: PHONE });
  const page = await context.newPage();
  await page.goto(`${system.gatewayUrl}/?event=ev`);
  await expect.poll(() => hook(page, 'ticket-no'), { timeout: 10_000 }).not.toBe('');
  const notifyState = () => page.locator('#notify-status').getAttribute('data-state');
  await expect.poll(notifyState).toBe('default');
  expect(await page.locator('#notify').isVisible()).toBe(true);
  expect(await page.locator('#phone-form').isVisible()).toBe(true);
  await expectNoSeriousViolations(page, 'notify button, not asked yet');

  await page.fill('#phone', '12-34');
  await page.click('#phone-form button[type="submit"]');
  await expect.poll(() => hook(page, 'phone-status')).toBe('010-1234-5678 또는 +82 10 1234 5678처럼 휴대전화 번호를 입력하세요.');
  expect(await page.locator('#phone').getAttribute('aria-invalid')).toBe('true');
  await expectNoSeriousViolations(page, 'phone number refused');
  await page.fill('#phone', '010-1234-5678');
  await page.click('#phone-form button[type="submit"]');
  await expect.poll(() => hook(page, 'phone-status')).toBe('차례가 가까워지면, 그리고 차례가 되면 •••••••••5678(으)로 문자를 보내 드립니다.');
  expect(await page.locator('#phone').getAttribute('aria-invalid')).toBe('false');

  // Allowed: this Chromium has no push service to reach (no network), so the page says notifications come while it stays open.
  await context.grantPermissions(['notifications'], { origin: system.gatewayUrl! });
  await page.click('#notify');
  await expect.poll(notifyState, { timeout: 15_000 }).toMatch(/^(push|local)$/);
  expect(await page.locator('#notify').isVisible()).toBe(false);
  expect(await page.locator('#notify-status').textContent()).toBe(
    (await notifyState()) === 'push'
      ? '차례가 가까워지면, 그리고 차례가 되면 알림을 보내 드립니다. 페이지를 닫아도 됩니다.'
      : '이 페이지가 열려 있는 동안(백그라운드 포함) 차례가 되면 알림을 보내 드립니다.',
  );
  await expectNoSeriousViolations(page, 'notifications allowed, phone number saved');
  await screenshot(page, 'waiting-notifications-ko-phone');
  await context.close();

  const blocked = await newContext(browser, { viewport: PHONE });
  const other = await blocked.newPage();
  await other.addInitScript(() => Object.defineProperty(Notification, 'permission', { get: () => 'denied' }));
  await other.goto(`${system.gatewayUrl}/?event=ev`);
  await expect.poll(() => other.locator('#notify-status').getAttribute('data-state')).toBe('denied');
  expect(await other.locator('#notify-status').textContent()).toBe(
    '이 브라우저에서 알림이 차단되어 있습니다. 페이지를 열어 두세요. 차례가 되면 소리가 납니다.',
  );
  await expectNoSeriousViolations(other, 'notifications blocked');
  await blocked.close();
});
