/**
 * Operator sign-in throttling across gateways (issue 13 §4): two gateways,
 * each with its own connection to one Redis, count failed passwords together
 * per account name and per client address. Failures on A lock the account on
 * B; during the lockout the right password is refused unchecked, by the
 * console's sign-in and by HTTP Basic alike (429 SIGN_IN_THROTTLED with
 * Retry-After); after it the right password works. Client addresses come from
 * X-Forwarded-For, the gateways trusting 127.0.0.1 as their proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import type { AuditEntry } from '../../server/operators/audit-log.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import type { Stores } from '../../server/store/types.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { PASSWORDS, testOperators, type ApiReply } from './console-api.js';

const THROTTLE = { accountFreeFailures: 3, addressFreeFailures: 6, firstLockoutSeconds: 2, maxLockoutSeconds: 4, forgetAfterSeconds: 60 };

describe('operator sign-in throttle on two gateways sharing one Redis', () => {
  const prefix = uniquePrefix();
  const stores: Stores[] = [];
  let a: TestSystem;
  let b: TestSystem;

  beforeAll(async () => {
    const keys = generateKeys('test');
    const config = { operators: await testOperators(), admin: { signInThrottle: THROTTLE } };
    for (let i = 0; i < 2; i++) stores.push(await createRedisStores({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix }));
    const start = (own: Stores) => startTestSystem({ store: 'redis', stores: own, keys, config, gateway: { trustProxy: ['127.0.0.1'] } });
    a = await start(stores[0]!);
    b = await start(stores[1]!);
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    for (const own of stores) await own.close();
    await deletePrefix(prefix);
  });

  /** The console's sign-in from client address `from`. */
  async function signIn(system: TestSystem, from: string, name: string, password: string): Promise<ApiReply> {
    return request(system, from, '/admin/session', {
      method: 'POST',
      headers: { origin: system.gatewayUrl!, 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
    });
  }

  /** A tool's request with HTTP Basic credentials. */
  async function basic(system: TestSystem, from: string, name: string, password: string): Promise<ApiReply> {
    return request(system, from, '/admin/overview', { headers: { authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}` } });
  }

  async function request(system: TestSystem, from: string, path: string, init: RequestInit & { headers: Record<string, string> }): Promise<ApiReply> {
    const response = await fetch(`${system.gatewayUrl}${path}`, { ...init, headers: { ...init.headers, 'x-forwarded-for': from } });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  }

  function signInAudit(system: TestSystem, from: string): Pick<AuditEntry, 'actor' | 'via' | 'result'>[] {
    return system.audit.recent
      .filter((entry) => entry.action === 'operator.sign-in' && entry.address === from)
      .map(({ actor, via, result }) => ({ actor, via, result }));
  }

  async function signInMetric(system: TestSystem, outcome: string, via: string): Promise<number> {
    const text = await (await fetch(`${system.gatewayUrl}/metrics`)).text();
    const line = text.split('\n').find((row) => row.startsWith(`waitroom_operator_sign_ins_total{outcome="${outcome}",via="${via}",`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }

  function expectThrottled(reply: ApiReply, maxSeconds: number): number {
    expect([reply.status, reply.body.error.code]).toEqual([429, 'SIGN_IN_THROTTLED']);
    const retryAfter = Number(reply.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
    expect(reply.body.error.retryAfterSeconds).toBe(retryAfter);
    expect(reply.body.error.message).toContain(`try again in ${retryAfter} s`);
    return retryAfter;
  }

  it('locks the account on gateway B after failures on gateway A; the right password is refused until the lockout ends, then signs in', async () => {
    const from = '198.51.100.10';
    for (let n = 1; n <= THROTTLE.accountFreeFailures; n++) {
      const wrong = await signIn(a, from, 'ana', `guess-${n}`);
      expect([wrong.status, wrong.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
    }
    const locking = await signIn(a, from, 'ana', 'guess-last');
    expect([locking.status, locking.body.error.code, locking.body.error.retryAfterSeconds]).toEqual([401, 'UNAUTHORIZED', THROTTLE.firstLockoutSeconds]);

    // The right password, on the other gateway, from another address: refused, not checked.
    const console = await signIn(b, '198.51.100.11', 'ana', PASSWORDS.ana);
    expect(console.headers.get('set-cookie')).toBeNull();
    const retryAfter = expectThrottled(console, THROTTLE.firstLockoutSeconds);
    expectThrottled(await basic(b, '198.51.100.11', 'ana', PASSWORDS.ana), THROTTLE.firstLockoutSeconds);
    // Other accounts are not locked.
    expect((await signIn(b, '198.51.100.11', 'vic', PASSWORDS.vic)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100));
    const signedIn = await signIn(b, '198.51.100.11', 'ana', PASSWORDS.ana);
    expect([signedIn.status, signedIn.body.operator]).toEqual([200, { name: 'ana', role: 'operator' }]);
    // The success forgot the account's failures: one more wrong password is a plain 401 again.
    const again = await signIn(a, from, 'ana', 'guess-again');
    expect([again.status, again.body.error.retryAfterSeconds]).toEqual([401, undefined]);

    expect(signInAudit(a, from)).toEqual([
      ...Array.from({ length: THROTTLE.accountFreeFailures }, () => ({ actor: 'ana (unverified)', via: 'console', result: 'denied' })),
      { actor: 'ana (unverified)', via: 'console', result: 'locked' },
      { actor: 'ana (unverified)', via: 'console', result: 'denied' },
    ]);
    expect(signInAudit(b, '198.51.100.11')).toEqual([
      { actor: 'ana (unverified)', via: 'console', result: 'throttled' },
      { actor: 'ana (unverified)', via: 'http', result: 'throttled' },
      { actor: 'vic', via: 'console', result: 'ok' },
      { actor: 'ana', via: 'console', result: 'ok' },
    ]);
    expect(b.audit.recent.findLast((entry) => entry.action === 'operator.sign-in' && entry.actor === 'ana')).toMatchObject({
      failuresBefore: THROTTLE.accountFreeFailures + 1,
    });
    expect(await signInMetric(a, 'wrong', 'console')).toBeGreaterThanOrEqual(THROTTLE.accountFreeFailures + 1);
    expect(await signInMetric(a, 'lockout', 'console')).toBeGreaterThanOrEqual(1);
    expect(await signInMetric(b, 'throttled', 'console')).toBeGreaterThanOrEqual(1);
    expect(await signInMetric(b, 'throttled', 'http')).toBeGreaterThanOrEqual(1);
    expect(await signInMetric(b, 'ok', 'console')).toBeGreaterThanOrEqual(2);
  });

  it('locks a client address across account names and gateways, Basic included; the account itself is not locked elsewhere', async () => {
    const from = '198.51.100.20';
    for (let n = 1; n <= THROTTLE.addressFreeFailures; n++) {
      const wrong = n % 2 ? await signIn(a, from, `name-${n}`, 'guess') : await basic(b, from, `name-${n}`, 'guess');
      expect([n, wrong.status, wrong.body.error.code]).toEqual([n, 401, 'UNAUTHORIZED']);
    }
    const locking = await basic(a, from, 'name-last', 'guess');
    expect([locking.status, locking.body.error.retryAfterSeconds]).toEqual([401, THROTTLE.firstLockoutSeconds]);
    expect(locking.headers.get('www-authenticate')).toMatch(/^Basic /);
    expectThrottled(await signIn(b, from, 'ana', PASSWORDS.ana), THROTTLE.firstLockoutSeconds);
    expectThrottled(await basic(a, from, 'vic', PASSWORDS.vic), THROTTLE.firstLockoutSeconds);
    expect((await signIn(b, '198.51.100.21', 'ana', PASSWORDS.ana)).status).toBe(200);
    expect(a.audit.recent.findLast((entry) => entry.action === 'operator.sign-in' && entry.address === from)).toMatchObject({
      result: 'throttled',
      lockedBy: 'address',
      via: 'http',
    });
    expect(a.audit.recent.find((entry) => entry.result === 'locked' && entry.address === from)).toMatchObject({
      actor: 'name-last (unverified)',
      lockedBy: 'address',
      lockedSeconds: THROTTLE.firstLockoutSeconds,
    });
  });
});
