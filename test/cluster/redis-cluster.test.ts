/**
 * The whole system on a real 3-master Redis Cluster (loopback, started here):
 * two gateway processes, a controller process and a reservation handler
 * process, 300 clients over three events. Everyone is admitted in ticket order
 * within maxActive and books once; the events live on different shards, and
 * every key of one event on one shard (server/store/redis/keys.ts).
 */
import { createClient, createCluster } from 'redis';
import { afterAll, expect, it } from 'vitest';
import { eventKeys } from '../../server/store/redis/keys.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { slotOwners } from '../support/cluster-layout.js';
import { cleanUpProcesses, startNode, stopAll, writeClusterConfig } from '../support/processes.js';
import { redisCommand, startRedisCluster, stopRedisServers } from '../support/redis-server.js';
import { testEvent } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

/** Hash tags that CRC16 puts in three different thirds of the slot space; asserted below, not assumed. */
const EVENTS = ['ev-a', 'ev-b', 'ev-c'];
const PER_EVENT = 100;
const MAX_ACTIVE = 20;
const GRANT_TTL_MS = 600_000;

const clients: TestClient[] = [];
afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.drop()));
  await cleanUpProcesses(2000);
  await stopRedisServers();
});

async function keysOn(url: string, pattern: string): Promise<string[]> {
  const client = createClient({ url });
  await client.connect();
  const found: string[] = [];
  for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 1000 })) found.push(...keys);
  await client.quit();
  return found;
}

it('300 clients over two gateway processes on a 3-master Redis Cluster: admitted in order within maxActive, each books once; events spread over shards', async () => {
  const cluster = await startRedisCluster(3);
  const seeds = cluster.urls.join(',');
  const owner = await slotOwners(cluster.urls[0]!);
  const [first] = cluster.nodes;

  // The events' hash tags sit on different masters.
  const config = await writeClusterConfig({ events: EVENTS.map((id) => testEvent({ id, maxActive: MAX_ACTIVE, grantTtlSeconds: GRANT_TTL_MS / 1000 })) });
  const slots = await Promise.all(EVENTS.map(async (id) => Number(await redisCommand(first!.port, ['CLUSTER', 'KEYSLOT', eventKeys(config.prefix, id).meta]))));
  const masters = slots.map(owner);
  expect(new Set(masters).size).toBeGreaterThanOrEqual(2);

  // A client of the store on the cluster: pauses the events while everyone joins, and watches the active counts.
  const stores = await createRedisStores({ redisUrl: 'redis://unused', clusterNodes: cluster.urls, keyPrefix: config.prefix });
  const watcher = createCluster({ rootNodes: cluster.urls.map((url) => ({ url })) });
  await watcher.connect();
  try {
    for (const id of EVENTS) await stores.queue.setPaused(id, true);

    const env = { REDIS_CLUSTER_NODES: seeds };
    const reservations = await startNode({ role: 'reservations', name: 'reservations', configFile: config.path, env });
    const gatewayEnv = { ...env, RESERVATIONS_URL: reservations.url };
    const [gateways, controller] = await Promise.all([
      Promise.all([1, 2].map((k) => startNode({ role: 'gateway', name: `gateway-${k}`, configFile: config.path, env: gatewayEnv, noController: true }))),
      startNode({ role: 'controller', name: 'controller', configFile: config.path, env }),
    ]);

    // Client k joins event k % 3 on gateway k % 2, so each gateway serves every event.
    const total = PER_EVENT * EVENTS.length;
    const placed = await Promise.all(
      Array.from({ length: total }, async (_, k) => {
        const client = await TestClient.connect(gateways[k % 2]!.wsUrl);
        clients.push(client);
        await client.join(EVENTS[k % EVENTS.length]!);
        return { client, eventId: EVENTS[k % EVENTS.length]!, gateway: k % 2 };
      }),
    );
    for (const id of EVENTS) {
      const numbers = placed.filter((p) => p.eventId === id).map((p) => p.client.ticketNo);
      expect(new Set(numbers)).toEqual(new Set(Array.from({ length: PER_EVENT }, (_, k) => k + 1)));
    }

    // The store's active count, sampled while admission runs.
    const activeSeen = new Map(EVENTS.map((id) => [id, 0]));
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const id of EVENTS) {
          const active = Number((await watcher.hGet(eventKeys(config.prefix, id).meta, 'active')) ?? 0);
          activeSeen.set(id, Math.max(activeSeen.get(id)!, active, await watcher.zCard(eventKeys(config.prefix, id).active)));
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const startedAt = Date.now();
    for (const id of EVENTS) await stores.queue.setPaused(id, false);
    const booked = await Promise.all(
      placed.map(async ({ client, eventId }) => {
        const admitted = await client.waitFor('admitted', () => true, 40_000);
        return postBooking(reservations.url, eventId, bookingBody(admitted.grant, client.secret));
      }),
    );
    const elapsed = Date.now() - startedAt;
    sampling = false;
    await sampler;

    expect(booked.map((b) => b.status)).toEqual(placed.map(() => 201));
    expect(new Set(booked.map((b) => b.body.booking!.reference)).size).toBe(total);
    for (const id of EVENTS) {
      expect(await stores.bookings.bookingCount(id)).toBe(PER_EVENT);
      expect(activeSeen.get(id)!).toBeLessThanOrEqual(MAX_ACTIVE);
      // In ticket order: the store's admission time (grant expiry minus its TTL) never falls as the number rises.
      const admittedAt = placed
        .filter((p) => p.eventId === id)
        .sort((a, b) => a.client.ticketNo - b.client.ticketNo)
        .map((p) => p.client.grant!.expiresAt - GRANT_TTL_MS);
      expect(admittedAt).toEqual([...admittedAt].sort((a, b) => a - b));
    }
    for (const k of [0, 1]) expect(placed.filter((p) => p.gateway === k && p.client.grant).length).toBe(total / 2);
    console.log(
      `[measure] cluster: ${total} clients admitted and booked in ${elapsed} ms; events on masters ${EVENTS.map((id, k) => `${id}=slot ${slots[k]}@${masters[k]}`).join(', ')}; ` +
        `max active seen ${EVENTS.map((id) => activeSeen.get(id)).join('/')} (maxActive ${MAX_ACTIVE})`,
    );

    // Every key of one event lives on the one master that owns its slot.
    const holders = await Promise.all(
      EVENTS.map(async (id) => {
        const found = await Promise.all(cluster.nodes.map((node) => keysOn(node.url, `${config.prefix}:{${id}}:*`)));
        return cluster.nodes.filter((_, k) => found[k]!.length > 0).map((node) => `127.0.0.1:${node.port}`);
      }),
    );
    expect(holders).toEqual(masters.map((master) => [master]));
    expect(new Set(holders.flat()).size).toBeGreaterThanOrEqual(2);

    await Promise.all(clients.splice(0).map((c) => c.close()));
    await stopAll([controller, ...gateways, reservations]);
    for (const node of [controller, ...gateways, reservations]) expect(await node.exited).toBe(0);
  } finally {
    await watcher.quit().catch(() => watcher.destroy());
    await stores.close();
  }
}, 60_000);
