/**
 * Who may steer the queue is decided by the server, not by the console page:
 * a viewer's console shows the controls disabled, and a viewer's request
 * sent anyway is refused (403 FORBIDDEN, queue not paused); an operator's
 * session used from another origin is refused (403 BAD_ORIGIN, nothing
 * changed), whether a script sends it or a real browser on another page of
 * the same host submits a form to the gateway (the cookie goes along:
 * SameSite does not look at ports, so only the Origin check stops it).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { adminRequest, OPERATOR, operatorAccounts, signIn, signInThroughForm, VIEWER } from './console-support.js';

interface EventRow {
  id: string;
  paused: boolean;
  state: string;
}

describe('console access control (real Chromium)', () => {
  let system: TestSystem;
  let browser: Browser;
  let gateway: string;

  /** The event as the server reports it to an operator. */
  async function eventNow(cookie: string): Promise<EventRow> {
    const reply = await adminRequest(gateway, 'GET', '/admin/overview', { cookie });
    expect(reply.status).toBe(200);
    return (reply.body.events as EventRow[]).find((event) => event.id === 'ev')!;
  }

  beforeAll(async () => {
    system = await startTestSystem({ config: { operators: await operatorAccounts([OPERATOR, VIEWER]) } });
    gateway = system.gatewayUrl!;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('shows a viewer the controls disabled', async () => {
    const page = await (await newContext(browser, { locale: 'en-US' })).newPage();
    await signInThroughForm(page, gateway, VIEWER);
    await expect(page.locator('[data-testid="pause"]').isDisabled()).resolves.toBe(true);
    await expect(page.locator('[data-testid="broadcast"]').isDisabled()).resolves.toBe(true);
    await expect(page.locator('#read-only').isVisible()).resolves.toBe(true);
  });

  it("refuses a viewer's pause sent anyway: 403 FORBIDDEN, and the queue is not paused", async () => {
    const cookie = await signIn(gateway, VIEWER);
    const reply = await adminRequest(gateway, 'POST', '/admin/events/ev/pause', { cookie, body: {} });
    expect(reply.status).toBe(403);
    expect(reply.body.error?.code).toBe('FORBIDDEN');
    expect(await eventNow(cookie)).toMatchObject({ paused: false, state: 'open' });
  });

  it("refuses an operator's session from a foreign Origin: 403 BAD_ORIGIN, nothing changed", async () => {
    const cookie = await signIn(gateway, OPERATOR);
    for (const origin of ['https://evil.example', null]) {
      const reply = await adminRequest(gateway, 'POST', '/admin/events/ev/pause', { cookie, origin, body: {} });
      expect(reply.status, `Origin ${origin}`).toBe(403);
      expect(reply.body.error?.code).toBe('BAD_ORIGIN');
    }
    const notice = await adminRequest(gateway, 'POST', '/admin/events/ev/notice', { cookie, origin: 'https://evil.example', body: { text: 'phish' } });
    expect(notice.body.error?.code).toBe('BAD_ORIGIN');
    expect(await eventNow(cookie)).toMatchObject({ paused: false, state: 'open', notice: null });
  });

  it('refuses a form another page of the same host submits with the operator signed in (cross-site request forgery)', async () => {
    const context = await newContext(browser, { locale: 'en-US' });
    const page = await context.newPage();
    await signInThroughForm(page, gateway, OPERATOR);

    const sessionRefusals = async (cookie: string) => {
      const audit = await adminRequest(gateway, 'GET', '/admin/audit?limit=1000', { cookie });
      return (audit.body.entries as { actor: string; result: string; reason?: string }[]).filter(
        (e) => e.actor === '(session)' && e.result === 'denied' && e.reason === 'BAD_ORIGIN',
      ).length;
    };
    const refusalsBefore = await sessionRefusals(await signIn(gateway, OPERATOR));
    const host = new URL(gateway).hostname;
    const evil = await serveForgery(`${gateway}/admin/events/ev/pause`);
    try {
      const evilOrigin = `http://${host}:${(evil.address() as AddressInfo).port}`;
      await page.goto(`${evilOrigin}/`);
      await page.waitForURL(`${gateway}/admin/events/ev/pause`, { timeout: 10_000 });
      const body = JSON.parse((await page.textContent('body')) ?? '{}') as { error?: { code: string; message: string } };
      expect(body.error?.code).toBe('BAD_ORIGIN');
      expect(body.error?.message).toContain(evilOrigin);
    } finally {
      await new Promise((resolve) => evil.close(resolve));
    }
    const cookie = await signIn(gateway, OPERATOR);
    expect(await eventNow(cookie)).toMatchObject({ paused: false, state: 'open' });
    // The refusal is audited as coming from a session: the browser did send the cookie along.
    expect(await sessionRefusals(cookie)).toBe(refusalsBefore + 1);
  });
});

/** A page on another port of the same host that submits a POST form to `target` as soon as it loads. */
async function serveForgery(target: string): Promise<Server> {
  const html = `<!doctype html><form id="f" method="POST" action="${target}"><input name="x" value="1"></form><script>document.getElementById('f').submit()</script>`;
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, new URL(target).hostname, resolve));
  return server;
}
