/**
 * Signing in to the operator console and what a session may do, on two
 * gateways sharing a Redis store: the cookie's flags, a session made on one
 * gateway works on the other, sign-out forgets it everywhere; a viewer is
 * refused every control by the server; a foreign Origin (or a cookie request
 * without one) is refused for every state-changing route; every attempt is
 * audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import type { Stores } from '../../server/store/types.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { ConsoleApi, PASSWORDS, testOperators } from './console-api.js';

const redis = storeFactories.find((factory) => factory.name === 'redis')!;

/** Every state-changing route of the admin API, with a body it would accept. */
const CONTROLS: [string, unknown?][] = [
  ['/admin/events/ev/pause'],
  ['/admin/events/ev/resume'],
  ['/admin/events/ev/limits', { maxActive: 7 }],
  ['/admin/events/ev/open-now'],
  ['/admin/events/ev/close-now'],
  ['/admin/events/ev/notice', { text: 'hello' }],
  ['/admin/events/ev/revoke', { ticketNo: 1 }],
  ['/admin/events', { events: [] }],
];

describe('console sessions on two gateways sharing a Redis store', () => {
  let stores: Stores;
  let a: TestSystem;
  let b: TestSystem;

  beforeAll(async () => {
    stores = await redis.create();
    const keys = generateKeys('test');
    const config = { operators: await testOperators() };
    a = await startTestSystem({ store: 'redis', stores, keys, config });
    b = await startTestSystem({ store: 'redis', stores, keys, config });
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await stores?.close();
  });

  it('signs in with a HttpOnly, SameSite=Strict session cookie that works on every gateway, and signs out everywhere', async () => {
    const console = new ConsoleApi(a.gatewayUrl!);
    const signedIn = await console.signIn('ana');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toEqual({ operator: { name: 'ana', role: 'operator' } });
    const cookie = signedIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^waitroom_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Strict']);

    expect((await console.call('GET', '/admin/session')).body).toMatchObject({ operator: { name: 'ana', role: 'operator' } });
    const onB = Object.assign(new ConsoleApi(b.gatewayUrl!), { cookie: console.cookie });
    expect((await onB.call('GET', '/admin/session')).status).toBe(200);
    expect((await onB.call('GET', '/admin/overview')).status).toBe(200);

    const signedOut = await console.call('DELETE', '/admin/session');
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.get('set-cookie')).toMatch(/^waitroom_session=; .*Max-Age=0/);
    for (const api of [console, onB]) {
      const after = await api.call('GET', '/admin/session');
      expect([after.status, after.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
    }
  });

  it('refuses a wrong password (401), a login from a foreign page (403), and a forged or unknown session (401)', async () => {
    const console = new ConsoleApi(a.gatewayUrl!);
    const wrong = await console.signIn('ana', 'not-her-password');
    expect([wrong.status, wrong.body.error.code, wrong.headers.get('set-cookie')]).toEqual([401, 'UNAUTHORIZED', null]);
    expect(wrong.headers.get('www-authenticate')).toBeNull();
    const foreign = await console.signIn('ana', PASSWORDS.ana, 'https://evil.example');
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'BAD_ORIGIN']);
    const malformed = await new ConsoleApi(a.gatewayUrl!).call('POST', '/admin/session', { body: { name: 'ana' } });
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'VALIDATION']);
    console.cookie = `waitroom_session=${'A'.repeat(43)}`;
    expect((await console.call('GET', '/admin/overview')).status).toBe(401);
    console.cookie = null;
    expect((await console.call('GET', '/admin/overview')).status).toBe(401);
  });

  it('refuses every control to a viewer, on the server, and lets the viewer read', async () => {
    const viewer = new ConsoleApi(a.gatewayUrl!);
    expect((await viewer.signIn('vic')).status).toBe(200);
    for (const [path, body] of CONTROLS) {
      const reply = await viewer.call('POST', path, { body });
      expect([path, reply.status, reply.body.error.code]).toEqual([path, 403, 'FORBIDDEN']);
    }
    for (const path of ['/admin/overview', '/admin/history?event=ev', '/admin/audit', '/admin/events']) {
      expect([path, (await viewer.call('GET', path)).status]).toEqual([path, 200]);
    }
    expect((await stores.queue.figures('ev', Date.now(), 1)).paused).toBe(false);
  });

  it('refuses every state-changing request from a foreign Origin, and a cookie request without one; Basic without Origin is a tool', async () => {
    const console = new ConsoleApi(a.gatewayUrl!);
    await console.signIn('ana');
    for (const [path, body] of CONTROLS) {
      const foreign = await console.call('POST', path, { body, origin: 'https://evil.example' });
      expect([path, foreign.status, foreign.body.error.code]).toEqual([path, 403, 'BAD_ORIGIN']);
      const none = await console.call('POST', path, { body, origin: null });
      expect([path, none.status, none.body.error.code]).toEqual([path, 403, 'BAD_ORIGIN']);
    }
    expect((await console.call('DELETE', '/admin/session', { origin: 'https://evil.example' })).status).toBe(403);
    expect((await stores.queue.figures('ev', Date.now(), 1)).paused).toBe(false);

    const tool = new ConsoleApi(a.gatewayUrl!);
    const paused = await tool.call('POST', '/admin/events/ev/pause', { basic: ['ana', PASSWORDS.ana], origin: null });
    expect(paused.status).toBe(200);
    expect(paused.body.event).toMatchObject({ id: 'ev', paused: true, state: 'paused' });
    const resumed = await console.call('POST', '/admin/events/ev/resume');
    expect(resumed.body.event).toMatchObject({ paused: false, state: 'open' });
  });

  it('audits every attempt, refused ones included, newest first', async () => {
    const console = new ConsoleApi(a.gatewayUrl!);
    await console.signIn('vic');
    const { entries } = (await console.call('GET', '/admin/audit?limit=1000')).body as { entries: Record<string, unknown>[] };
    expect(entries[0]).toMatchObject({ actor: 'vic', via: 'console', action: 'session.open', result: 'applied' });
    expect(Date.parse(entries[0]!.at as string)).toBeGreaterThan(Date.parse(entries.at(-1)!.at as string) - 1);
    const seen = (action: string, result: string, actor: string) => entries.some((e) => e.action === action && e.result === result && e.actor === actor);
    expect(seen('session.open', 'denied', 'ana (unverified)')).toBe(true);
    expect(seen('queue.pause', 'denied', 'vic')).toBe(true);
    expect(seen('queue.pause', 'denied', '(session)')).toBe(true);
    expect(seen('session.close', 'applied', 'ana')).toBe(true);
    expect(entries.find((e) => e.action === 'queue.pause' && e.result === 'applied')).toMatchObject({
      actor: 'ana',
      via: 'http',
      event: 'ev',
      before: { paused: false },
      after: { paused: true },
    });
    expect((await console.call('GET', '/admin/audit?limit=0')).status).toBe(400);
  });

  it('marks the cookie Secure when the gateway is served over https', async () => {
    const secure = await startTestSystem({ gateway: { publicUrl: 'https://queue.example.org' }, config: { operators: await testOperators() } });
    try {
      const console = new ConsoleApi(secure.gatewayUrl!.replace('https://queue.example.org', `http://127.0.0.1:${secure.gateway!.port}`));
      const reply = await console.signIn('ana', PASSWORDS.ana, 'https://queue.example.org');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('set-cookie')).toMatch(/; Secure$/);
    } finally {
      await secure.stop();
    }
  });
});
