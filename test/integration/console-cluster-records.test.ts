/**
 * The audit log and the console's history are the deployment's, not one
 * process's (issue 16 §4): two gateways, each with its own connection to one
 * Redis. An operator's action on gateway A is listed by `GET /admin/audit`
 * on gateway B (and pages by cursor); history sampled before a gateway
 * restarts is served by the restarted gateway, the same as by the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import type { Stores } from '../../server/store/types.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { ConsoleApi, PASSWORDS, testOperators, type ApiReply } from './console-api.js';

const STEP_MS = 200;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('audit log and history shared by two gateways on one Redis', () => {
  const prefix = uniquePrefix();
  const keys = generateKeys('test');
  const opened: Stores[] = [];
  const running = new Set<TestSystem>();
  let a: TestSystem;
  let b: TestSystem;

  async function startGateway(nodeId: string): Promise<TestSystem> {
    const stores = await createRedisStores({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix });
    opened.push(stores);
    const config = { nodeId, operators: await testOperators(), admin: { historyStepMs: STEP_MS } };
    const system = await startTestSystem({ store: 'redis', stores, keys, config, events: [testEvent({ id: 'ev' })] });
    running.add(system);
    return system;
  }

  async function stopGateway(system: TestSystem): Promise<void> {
    running.delete(system);
    await system.stop();
  }

  /** A read with ana's HTTP Basic credentials. */
  function read(system: TestSystem, path: string): Promise<ApiReply> {
    return new ConsoleApi(system.gatewayUrl!).call('GET', path, { basic: ['ana', PASSWORDS.ana] });
  }

  beforeAll(async () => {
    a = await startGateway('gw-a');
    b = await startGateway('gw-b');
  });

  afterAll(async () => {
    for (const system of running) await system.stop();
    for (const stores of opened) await stores.close();
    await deletePrefix(prefix);
  });

  it("lists an operator's action on gateway A in gateway B's audit log, newest first, paged by cursor", async () => {
    const onA = new ConsoleApi(a.gatewayUrl!);
    expect((await onA.signIn('ana')).status).toBe(200);
    expect((await onA.call('POST', '/admin/events/ev/pause')).status).toBe(200);
    expect((await onA.call('POST', '/admin/events/ev/resume')).status).toBe(200);
    await a.audit.flush();

    const listed = await read(b, '/admin/audit?limit=2');
    expect(listed.status).toBe(200);
    expect(listed.body.entries.map((entry: { action: string }) => entry.action)).toEqual(['queue.resume', 'queue.pause']);
    expect(listed.body.entries[1]).toMatchObject({ actor: 'ana', via: 'console', action: 'queue.pause', result: 'applied' });
    // B's own process recorded none of them.
    expect(b.audit.recent.filter((entry) => entry.action.startsWith('queue.'))).toEqual([]);

    const older = await read(b, `/admin/audit?limit=100&before=${encodeURIComponent(listed.body.next)}`);
    expect(older.status).toBe(200);
    expect(older.body.entries.map((entry: { action: string }) => entry.action)).toContain('operator.sign-in');
    expect(older.body.entries.map((entry: { action: string }) => entry.action)).not.toContain('queue.pause');
    expect(older.body.next).toBeNull();
    expect((await read(b, '/admin/audit?before=x')).body.error.code).toBe('VALIDATION');
  });

  it('serves the history sampled before a restart from the restarted gateway, the same as the other gateway', async () => {
    await sleep(STEP_MS * 8);
    const before = (await read(a, '/admin/history?event=ev')).body.samples as { t: number }[];
    expect(before.length).toBeGreaterThanOrEqual(4);
    // One sample per point of the grid, however many gateways sampled it.
    const times = before.map((sample) => sample.t);
    expect(times.every((t, k) => t % STEP_MS === 0 && (k === 0 || t > times[k - 1]!))).toBe(true);

    await stopGateway(a);
    const restartedAt = Date.now();
    a = await startGateway('gw-a');
    const [afterA, onB] = await Promise.all([read(a, '/admin/history?event=ev'), read(b, '/admin/history?event=ev')]);
    expect(afterA.status).toBe(200);
    const sampledBefore = (reply: ApiReply) =>
      (reply.body.samples as { t: number; connections: Record<string, number> }[]).filter((sample) => sample.t < restartedAt);
    expect(sampledBefore(afterA).length).toBeGreaterThanOrEqual(before.length);
    expect(sampledBefore(afterA)).toEqual(sampledBefore(onB));
    expect(sampledBefore(afterA).slice(0, before.length)).toEqual(before);
    expect(Object.keys(sampledBefore(afterA).at(-1)!.connections)).toEqual(expect.arrayContaining(['gw-b']));
  });
});
