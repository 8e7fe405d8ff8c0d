/**
 * A leading controller SIGTERMed hands its lease over at once (decision 023):
 * it gives the lease up (compare-and-delete: only if still its own) first
 * thing, so the standby leads within a second although the lease (5 s) has
 * not run out. Measured twice: a standalone controller, and the controller
 * inside a gateway that is still draining its clients when the standby takes over.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUpProcesses, startNode, writeClusterConfig, type NodeProcess } from '../support/processes.js';
import { testEvent } from '../support/system.js';
import { pollUntil, RedisWatch } from '../support/cluster-flow.js';
import { TestClient } from '../support/ws-client.js';

const EVENT = 'handed-over';
const LEASE_MS = 5000;
const HANDOVER_BOUND_MS = 1000;
/** Clients on the gateway, so that its 5 s drain closes 2 each 100 ms and lasts the window. */
const HELD_CLIENTS = 100;

let watch: RedisWatch | null = null;

afterAll(async () => {
  await watch?.close();
  await cleanUpProcesses();
}, 30_000);

/** SIGTERMs `leader` (which holds the lease) and resolves with the ms until `standby` holds it. */
async function handover(leader: NodeProcess, standby: string): Promise<number> {
  await pollUntil(async () => (await watch!.view(EVENT)).leaseHolder === leader.name, 10_000, `${leader.name} leading`);
  const signalledAt = Date.now();
  leader.kill('SIGTERM');
  await pollUntil(async () => (await watch!.view(EVENT)).leaseHolder === standby, LEASE_MS * 2, `${standby} leading`, 10);
  return Date.now() - signalledAt;
}

describe('a leading controller SIGTERMed', () => {
  it(`the standby leads within ${HANDOVER_BOUND_MS} ms, not after the ${LEASE_MS} ms lease`, { timeout: 60_000 }, async () => {
    const config = await writeClusterConfig({ events: [testEvent({ id: EVENT })], tickMs: 100, leaseMs: LEASE_MS });
    watch = await RedisWatch.open(config.prefix);

    const first = await startNode({ role: 'controller', name: 'controller-1', configFile: config.path });
    await pollUntil(async () => (await watch!.view(EVENT)).leaseHolder === first.name, 10_000, 'controller-1 leading');
    const gateway = await startNode({ role: 'gateway', name: 'gateway-1', configFile: config.path, env: { DRAIN_SECONDS: '5' } });
    const alone = await handover(first, gateway.name);
    expect(await first.exited).toBe(0);

    // The gateway's controller leads now; with clients held its drain lasts seconds; the lease must not wait for it.
    const held = await Promise.all(
      Array.from({ length: HELD_CLIENTS }, async () => {
        const client = await TestClient.connect(gateway.wsUrl);
        await client.join(EVENT);
        return client;
      }),
    );
    await startNode({ role: 'controller', name: 'controller-2', configFile: config.path });
    const draining = await handover(gateway, 'controller-2');
    const stillDraining = (await Promise.race([gateway.exited.then(() => 'exited'), Promise.resolve('running')])) === 'running';
    console.log(`lease handover after SIGTERM: standalone controller ${alone} ms, draining gateway's controller ${draining} ms (lease ${LEASE_MS} ms)`);
    expect(alone).toBeLessThan(HANDOVER_BOUND_MS);
    expect(draining).toBeLessThan(HANDOVER_BOUND_MS);
    expect(stillDraining).toBe(true);
    await Promise.all(held.map((client) => client.whenClosed()));
    expect(await gateway.exited).toBe(0);
  });
});
