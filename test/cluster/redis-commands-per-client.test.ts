/**
 * The per-tick Redis cost is per node, not per waiter: 3,000 clients wait on 3
 * gateway processes (with a controller) for 30 ticks on a Redis of the test's
 * own, and INFO commandstats (which counts the commands scripts run, too)
 * must show fewer than 0.01 commands per waiting client per tick.
 */
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUpProcesses, startNode, writeClusterConfig } from '../support/processes.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { testEvent } from '../support/system.js';
import { QuietClient } from '../support/quiet-client.js';

const NODES = 3;
const CLIENTS = 3000;
const TICKS = 30;
const TICK_MS = 250;

/** Calls per command from INFO commandstats. */
function commandCalls(info: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

describe('Redis commands per waiting client', () => {
  let redis: RedisServer | null = null;
  const clients: QuietClient[] = [];
  afterAll(async () => {
    for (const client of clients) client.drop();
    await cleanUpProcesses();
    await redis?.stop();
  });

  it(`${CLIENTS} waiting clients on ${NODES} nodes for ${TICKS} ticks: < 0.01 commands per client per tick`, { timeout: 300_000 }, async () => {
    redis = await startRedisServer({ appendonly: false });
    // A few admissions then a full house (nobody books): the steady state of a long wait.
    const event = testEvent({ id: 'steady', maxActive: 5, admitsPerMinute: 60 });
    const config = await writeClusterConfig({ events: [event], tickMs: TICK_MS });
    const env = { REDIS_URL: redis.url };
    const gateways = await Promise.all(
      Array.from({ length: NODES }, (_, k) => startNode({ role: 'gateway', name: `gw-${k + 1}`, configFile: config.path, env, noController: true })),
    );
    await startNode({ role: 'controller', name: 'controller-1', configFile: config.path, env });

    for (let k = 0; k < CLIENTS; k += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, CLIENTS - k) }, (_, j) => QuietClient.join(gateways[(k + j) % NODES]!.wsUrl, event.id)),
      );
      clients.push(...batch);
    }
    // Let the first admissions fill maxActive.
    await new Promise((resolve) => setTimeout(resolve, 8 * TICK_MS));

    const stats = createClient({ url: redis.url });
    await stats.connect();
    await stats.configResetStat();
    const frames = () => clients.reduce((sum, c) => sum + c.framesAfterTicket, 0);
    const framesBefore = frames();
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, TICKS * TICK_MS));
    const info = await stats.info('commandstats');
    const elapsedMs = Date.now() - started;
    const framesDuring = frames() - framesBefore;
    await stats.quit();

    const calls = commandCalls(info);
    // The measurement's own CONFIG RESETSTAT and INFO are not Waitroom's.
    calls.delete('config|resetstat');
    calls.delete('info');
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    const ticks = elapsedMs / TICK_MS;
    const perClientPerTick = total / CLIENTS / ticks;
    const connected = clients.filter((c) => c.closeCode === null).length;
    const framesPerClientPerTick = framesDuring / CLIENTS / ticks;
    console.log(
      `[measure] Redis commands: ${total} in ${ticks.toFixed(1)} ticks with ${connected} waiting on ${NODES} nodes = ` +
        `${perClientPerTick.toFixed(5)} per client per tick, ${((total / CLIENTS / elapsedMs) * 60_000).toFixed(3)} per client per minute ` +
        `(${[...calls].map(([name, n]) => `${name} ${n}`).join(', ')}); ${framesPerClientPerTick.toFixed(2)} frames per client per tick`,
    );
    expect(connected).toBe(CLIENTS);
    // They really wait: each got (about) every tick while the commands were counted.
    expect(framesPerClientPerTick).toBeGreaterThan(0.8);
    expect(total).toBeGreaterThan(0);
    expect(perClientPerTick).toBeLessThan(0.01);
  });
});
