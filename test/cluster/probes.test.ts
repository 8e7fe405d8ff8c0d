/**
 * /livez and /readyz mean what they say (decision 023), on real processes
 * over a private Redis that the test stops: while Redis is down every role
 * (gateway, reservation handler, standalone controller on its probe port) is
 * live (200) and not ready (503), and the deprecated /healthz still answers 503.
 * A gateway started while Redis is down listens, serves its page, holds a
 * WebSocket, reports not-ready, turns ready once Redis is back and then joins.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUpProcesses, freePort, startNode, writeClusterConfig } from '../support/processes.js';
import { startRedisServer, stopRedisServers } from '../support/redis-server.js';
import { testEvent } from '../support/system.js';
import { pollUntil } from '../support/cluster-flow.js';
import { TestClient } from '../support/ws-client.js';

const EVENT = 'probed';

afterAll(async () => {
  await cleanUpProcesses();
  await stopRedisServers();
}, 30_000);

async function statusOf(url: string): Promise<number> {
  return (await fetch(url)).status;
}

/** /livez and /readyz of the node at `base`. */
async function probes(base: string): Promise<{ live: number; ready: number }> {
  return { live: await statusOf(`${base}/livez`), ready: await statusOf(`${base}/readyz`) };
}

describe('probes through a Redis outage', () => {
  it('every role stays live and turns unready; a gateway started without Redis serves and becomes ready when it returns', { timeout: 90_000 }, async () => {
    const redis = await startRedisServer({ appendonly: false });
    const config = await writeClusterConfig({ events: [testEvent({ id: EVENT })], redisUrl: redis.url });
    const controllerPort = await freePort();
    const [gateway, reservations] = await Promise.all([
      startNode({ role: 'gateway', name: 'gateway-1', configFile: config.path, noController: true }),
      startNode({ role: 'reservations', name: 'reservations', configFile: config.path }),
      startNode({ role: 'controller', name: 'controller', configFile: config.path, env: { CONTROLLER_PORT: String(controllerPort) } }),
    ]);
    const controllerUrl = `http://127.0.0.1:${controllerPort}`;
    const roles = { gateway: gateway.url, reservations: reservations.url, controller: controllerUrl };
    for (const base of Object.values(roles)) expect(await probes(base)).toEqual({ live: 200, ready: 200 });
    expect(await statusOf(`${controllerUrl}/metrics`)).toBe(200);

    await redis.kill('SIGKILL');
    for (const [role, base] of Object.entries(roles)) {
      await pollUntil(async () => (await statusOf(`${base}/readyz`)) === 503, 5000, `${role} unready`);
      expect({ role, ...(await probes(base)) }).toEqual({ role, live: 200, ready: 503 });
    }
    expect(await statusOf(`${gateway.url}/healthz`)).toBe(503);

    // Started during the outage: up by /livez, never by /readyz.
    const late = await startNode({ role: 'gateway', name: 'gateway-late', configFile: config.path, noController: true, readyPath: '/livez' });
    expect(await probes(late.url)).toEqual({ live: 200, ready: 503 });
    expect(await statusOf(`${late.url}/`)).toBe(200);
    const held = await TestClient.connect(late.wsUrl);
    await held.waitFor('hello');

    await redis.restart();
    await pollUntil(async () => (await statusOf(`${late.url}/readyz`)) === 200, 15_000, 'the late gateway ready');
    expect(held.closeCode).toBeNull();
    await pollUntil(
      async () => {
        try {
          return (await held.join(EVENT)).ticketNo > 0;
        } catch {
          return false; // the events are published or adopted on the next follow step
        }
      },
      5000,
      'a join on the late gateway',
      200,
    );
    for (const base of Object.values(roles)) await pollUntil(async () => (await statusOf(`${base}/readyz`)) === 200, 10_000, `${base} ready again`);
    await held.close();
  });
});
