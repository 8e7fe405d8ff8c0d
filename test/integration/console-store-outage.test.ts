/**
 * The console fails closed when the store is away (a Redis of the test's own,
 * killed and restarted): controls and reads answer 503 STORE_UNAVAILABLE and
 * change nothing, failures are audited, sessions cannot be checked (503, not
 * a silent sign-out), and everything works again once Redis is back — the
 * session included, as it lives in the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStores } from '../../server/store/redis/index.js';
import type { Stores } from '../../server/store/types.js';
import { startRedisServer, stopRedisServers, type RedisServer } from '../support/redis-server.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { ConsoleApi, PASSWORDS, testOperators } from './console-api.js';

describe('the console while the store is unreachable', () => {
  let redis: RedisServer;
  let stores: Stores;
  let system: TestSystem;

  beforeAll(async () => {
    redis = await startRedisServer({ appendonly: true, appendfsync: 'always' });
    stores = await createRedisStores({ redisUrl: redis.url, keyPrefix: 'wr-outage' });
    system = await startTestSystem({ stores, config: { operators: await testOperators() } });
  });

  afterAll(async () => {
    await system?.stop();
    await stores?.close();
    await stopRedisServers();
  });

  it('answers 503 and changes nothing while Redis is away; works again after', async () => {
    const api = new ConsoleApi(system.gatewayUrl!);
    expect((await api.signIn('ana')).status).toBe(200);
    await redis.kill('SIGKILL');

    const basic: [string, string] = ['ana', PASSWORDS.ana];
    for (const [path, body] of [
      ['/admin/events/ev/pause'],
      ['/admin/events/ev/notice', { text: 'x' }],
      ['/admin/events/ev/revoke', { ticketNo: 1 }],
    ] as const) {
      const reply = await api.call('POST', path, { body, basic });
      expect([path, reply.status, reply.body.error.code]).toEqual([path, 503, 'STORE_UNAVAILABLE']);
    }
    expect((await api.call('GET', '/admin/overview', { basic })).status).toBe(503);
    const bySession = await api.call('POST', '/admin/events/ev/pause');
    expect([bySession.status, bySession.body.error.code]).toEqual([503, 'STORE_UNAVAILABLE']);
    const kiosk = await fetch(`${system.gatewayUrl}/api/kiosk?event=ev`);
    expect(kiosk.status).toBe(503);
    // Basic credentials cannot be counted by the sign-in throttle without the store: refused before the action, unchecked.
    expect(system.audit.recent.filter((entry) => entry.result === 'failed').map((entry) => [entry.action, entry.reason])).toEqual(
      Array(4).fill(['operator.sign-in', 'STORE_UNAVAILABLE']),
    );
    const denied = system.audit.recent.filter((entry) => entry.result === 'denied' && entry.reason === 'STORE_UNAVAILABLE').map((entry) => entry.action);
    expect(denied).toEqual(['queue.pause', 'queue.notice', 'ticket.revoke', 'queue.pause']);

    await redis.restart();
    const deadline = Date.now() + 10_000;
    while ((await api.call('GET', '/admin/session')).status !== 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const paused = await api.call('POST', '/admin/events/ev/pause');
    expect([paused.status, paused.body.event?.paused]).toEqual([200, true]);
  });
});
