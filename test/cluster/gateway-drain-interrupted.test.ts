/**
 * A drain cut short (decision 023): a gateway draining 100 clients over 30 s (one per 100 ms step, so 10 s)
 * reports `waitroom_draining 1` on /metrics from the SIGTERM on; a second
 * SIGTERM stops it at once: the clients not yet moved are closed with
 * SHUTTING_DOWN and the process exits with 0 within a second or two, not at the
 * end of the window. Before, the second signal was ignored and the drain ran on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol/codes.js';
import type { RoamingClient } from '../support/roaming-client.js';
import { startNode, writeClusterConfig } from '../support/processes.js';
import { testEvent } from '../support/system.js';
import { cleanUpClusterTest, joinInBatches, pollUntil, RedisWatch, sleep } from '../support/cluster-flow.js';

const EVENT = 'interrupted';
/** One client closed per 100 ms step: the drain would take 10 s. */
const CLIENTS = 100;
const DRAIN_SECONDS = 30;

let watch: RedisWatch | null = null;
let clients: RoamingClient[] = [];

afterAll(() => cleanUpClusterTest(clients, watch), 30_000);

async function drainingGauge(url: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('waitroom_draining'));
  return line ? Number(line.split(' ').at(-1)) : null;
}

describe('a drain cut short by a second SIGTERM', () => {
  it('stops at once, closing the clients not yet moved', { timeout: 30_000 }, async () => {
    const config = await writeClusterConfig({ events: [testEvent({ id: EVENT })], tickMs: 500 });
    watch = await RedisWatch.open(config.prefix);
    await watch.stores.queue.setPaused(EVENT, true);
    const gateway = await startNode({ role: 'gateway', name: 'gateway', configFile: config.path, env: { DRAIN_SECONDS: String(DRAIN_SECONDS) } });
    clients = await joinInBatches(CLIENTS, 50, () => ({ urls: [gateway.wsUrl], eventId: EVENT, startAt: 0 }));
    expect(await drainingGauge(gateway.url)).toBe(0);

    gateway.kill('SIGTERM');
    await gateway.waitForLine('draining, then stopping', 2000);
    expect(await drainingGauge(gateway.url)).toBe(1);
    // One client per 100 ms step: a handful have been moved when the second signal comes.
    await sleep(300);
    const secondAt = Date.now();
    gateway.kill('SIGTERM');
    await gateway.waitForLine('signalled again while draining: stopping now', 2000);
    expect(await gateway.exited).toBe(0);
    const exitedAfterMs = Date.now() - secondAt;
    await pollUntil(() => clients.every((c) => c.dropCodes.length > 0), 5000, 'every client closed');
    const codes = clients.map((c) => c.dropCodes[0]);
    const moved = codes.filter((code) => code === CloseCode.MOVING).length;
    const shutDown = codes.filter((code) => code === CloseCode.SHUTTING_DOWN).length;
    console.log(`second SIGTERM: exit after ${exitedAfterMs} ms; ${moved} clients had been moved, ${shutDown} closed by the stop`);
    expect(exitedAfterMs).toBeLessThan(3000);
    expect(moved).toBeGreaterThan(0);
    expect(shutDown).toBeGreaterThan(CLIENTS / 2);
    expect(moved + shutDown).toBe(CLIENTS);
  });
});
