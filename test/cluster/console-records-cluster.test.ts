/**
 * The audit trail and the console's history on a real 3-master Redis Cluster
 * (loopback, started here): the stream and the history script run there, and
 * each event's history sits on the shard of its own hash tag, so a shard that
 * dies takes only its events' charts with it, not every event's. Killing the
 * master that holds the nodes' reports (the deployment-wide presence key:
 * issue 19 saw the history stop for 28 s then) leaves the other events'
 * samples going, without connection counts.
 */
import { createClient } from 'redis';
import { afterAll, expect, it } from 'vitest';
import { eventKeys, globalKeys, historyKey } from '../../server/store/redis/keys.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import { redisCommand, startRedisCluster, stopRedisServers } from '../support/redis-server.js';
import { startTestSystem, testEvent } from '../support/system.js';

const EVENTS = ['ev-a', 'ev-b', 'ev-c'];
const PREFIX = 'wr';
const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const STEP_MS = 200;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

afterAll(async () => {
  await stopRedisServers();
});

async function keysOn(url: string): Promise<string[]> {
  const client = createClient({ url });
  await client.connect();
  const found: string[] = [];
  for await (const keys of client.scanIterator({ MATCH: `${PREFIX}:*`, COUNT: 1000 })) found.push(...keys);
  await client.quit();
  return found;
}

async function keySlot(url: string, key: string): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  const slot = Number(await client.sendCommand(['CLUSTER', 'KEYSLOT', key]));
  await client.quit();
  return slot;
}

/** The port of the master serving `slot`, from CLUSTER SLOTS. */
async function masterOf(url: string, slot: number): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  const ranges = (await client.sendCommand(['CLUSTER', 'SLOTS'])) as [number, number, [string, number, ...unknown[]]][];
  await client.quit();
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (!range) throw new Error(`slot ${slot} has no owner`);
  return range[2][1];
}

it("keeps the audit trail and each event's history on a Redis Cluster, each history on its event's shard", async () => {
  const cluster = await startRedisCluster(3);
  const stores = await createRedisStores({ redisUrl: '', clusterNodes: cluster.urls, keyPrefix: PREFIX, auditCapacity: 3 });
  try {
    for (let n = 1; n <= 5; n++) await stores.audit.append(JSON.stringify({ n }));
    expect((await stores.audit.page(10)).entries.map((entry) => JSON.parse(entry.json).n)).toEqual([5, 4, 3]);

    for (const eventId of EVENTS) {
      for (let k = 0; k < 3; k++) {
        const sample = { t: T0 + k * 1000, waiting: k, admittedTotal: k, active: 0, bookings: 0, connections: { gw: 1 } };
        expect(await stores.history.append(eventId, sample, 86_400_000)).toBe(true);
        expect(await stores.history.append(eventId, sample, 86_400_000)).toBe(false);
      }
      expect((await stores.history.read(eventId, T0 + 1000)).map((sample) => sample.waiting)).toEqual([1, 2]);
    }

    // Each history key hashes to its event's slot (where the event's other keys are), and the events' histories spread over masters.
    for (const eventId of EVENTS)
      expect(await keySlot(cluster.urls[0]!, historyKey(PREFIX, eventId))).toBe(await keySlot(cluster.urls[0]!, eventKeys(PREFIX, eventId).meta));
    const held = await Promise.all(cluster.urls.map(keysOn));
    const shardOf = (key: string) => held.findIndex((keys) => keys.includes(key));
    expect(new Set(EVENTS.map((eventId) => shardOf(historyKey(PREFIX, eventId)))).size).toBeGreaterThan(1);
  } finally {
    await stores.close();
  }
});

it("keeps sampling the events on the other shards when the master holding the nodes' reports dies, without connection counts", async () => {
  const cluster = await startRedisCluster(3);
  for (const node of cluster.nodes) await redisCommand(node.port, ['CONFIG', 'SET', 'cluster-require-full-coverage', 'no']);
  const prefix = 'wr-degraded';
  const stores = await createRedisStores({ redisUrl: '', clusterNodes: cluster.urls, keyPrefix: prefix });
  const system = await startTestSystem({
    store: 'redis',
    stores,
    events: EVENTS.map((id) => testEvent({ id })),
    config: { nodeId: 'gw-a', admin: { historyStepMs: STEP_MS } },
  });
  try {
    await sleep(STEP_MS * 4);
    const presenceSlot = await keySlot(cluster.urls[0]!, globalKeys(prefix).presence);
    const victim = await masterOf(cluster.urls[0]!, presenceSlot);
    const survivors: string[] = [];
    for (const eventId of EVENTS)
      if ((await masterOf(cluster.urls[0]!, await keySlot(cluster.urls[0]!, historyKey(prefix, eventId)))) !== victim) survivors.push(eventId);
    expect(survivors.length).toBeGreaterThan(0);
    await cluster.nodes.find((node) => node.port === victim)!.kill('SIGKILL');
    const killedAt = Date.now();
    await sleep(STEP_MS * 6);
    for (const eventId of survivors) {
      const after = await stores.history.read(eventId, killedAt + STEP_MS);
      expect(after.length, `${eventId} sampled after the kill`).toBeGreaterThanOrEqual(2);
      expect(after.at(-1)!.connections).toEqual({});
    }
  } finally {
    await system.stop();
    await stores.close();
  }
});
