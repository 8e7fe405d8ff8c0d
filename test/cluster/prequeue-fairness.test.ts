/**
 * The opening rush, fairly (issue 4, docs/decisions/005): 2,000 people join
 * the pre-queue through two gateway nodes on one Redis; at the opening their
 * order becomes a uniformly random permutation, made with one write and no
 * per-client Redis work; 200 later arrivals queue behind all of them in
 * arrival order; admission follows the drawn places.
 *
 * Both nodes run in this process on one FakeClock, so the opening instant is
 * the test's to choose and the draw's seed is fixed (reproducible).
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStores } from '../../server/store/redis/index.js';
import type { Stores } from '../../server/store/types.js';
import { generateKeys } from '../../server/config/keys.js';
import { drawOf, peopleAhead } from '../../shared/queue/position.js';
import { placeOf } from '../../shared/queue/draw.js';
import { chiSquareIndependence, decileTable } from '../support/chi-square.js';
import { startRedisServer, stopRedisServers, type RedisServer } from '../support/redis-server.js';
import { FakeClock, startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const PREQUEUE = 2000;
const LATE = 200;
const SEED = 0x5eed_2021;
const T0 = Date.UTC(2021, 6, 19, 10, 55); // 19:55 KST
const OPENS = Date.UTC(2021, 6, 19, 11, 0); // 20:00 KST
const E = 'ages-53-54';

/** Calls per command from INFO commandstats (commands run by scripts included). */
async function totalCommands(redis: ReturnType<typeof createClient>): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (match[1] !== 'info') total += Number(match[2]);
  return total;
}

async function joinAll(nodes: TestSystem[], count: number, offset: number): Promise<TestClient[]> {
  const clients: TestClient[] = [];
  const GROUP = 100;
  for (let start = 0; start < count; start += GROUP) {
    const group = await Promise.all(
      Array.from({ length: Math.min(GROUP, count - start) }, async (_, k) => {
        const client = await TestClient.connect(nodes[(offset + start + k) % nodes.length]!.wsUrl);
        await client.join(E);
        return client;
      }),
    );
    clients.push(...group);
  }
  return clients;
}

describe('pre-queue fairness across two gateway nodes', () => {
  let redis: RedisServer;
  let stats: ReturnType<typeof createClient>;
  let stores: Stores;
  let nodes: TestSystem[] = [];
  let early: TestClient[] = [];
  let late: TestClient[] = [];
  const clock = new FakeClock(T0);

  beforeAll(async () => {
    redis = await startRedisServer({ appendonly: false });
    stats = createClient({ url: redis.url });
    await stats.connect();
    stores = await createRedisStores({ redisUrl: redis.url, keyPrefix: 'fair', drawSeed: () => SEED });
    const keys = generateKeys('fair');
    const events = [
      testEvent({ id: E, prequeueOpensAt: T0 - 3600_000, opensAt: OPENS, closesAt: OPENS + 22 * 3600_000, maxActive: 100_000, admitsPerMinute: 60_000 }, T0),
    ];
    // The fake clock jumps five minutes to the opening: heartbeats that old must not read as dead nodes here.
    const controller = { nodeTimeoutMs: 600_000 };
    for (let i = 0; i < 2; i++) nodes.push(await startTestSystem({ store: 'redis', stores, keys, events, clock, tickMs: 50, controller }));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...early, ...late].map((client) => client.drop()));
    for (const node of nodes) await node.stop();
    await stores?.close();
    await stats?.quit();
    await stopRedisServers();
  }, 60_000);

  it('draws a uniform order at the opening with no per-client Redis work, and admits in it', async () => {
    early = await joinAll(nodes, PREQUEUE, 0);
    const arrival = early.map((client) => client.ticketNo);
    expect(new Set(arrival).size).toBe(PREQUEUE);
    expect(Math.max(...arrival)).toBe(PREQUEUE);

    // Before the opening nobody has a place: ticks carry no draw.
    const before = await early[0]!.waitFor('tick', (tick) => tick.t >= T0, 5000, false);
    expect(before.st).toBe('prequeue');
    expect(drawOf(before)).toBeNull();

    // The opening, paused so that the only store work is the draw and the ticks.
    await stores.queue.setPaused(E, true);
    const commandsBefore = await totalCommands(stats);
    const opened = Date.now();
    clock.set(OPENS);
    const firstDrawn = await Promise.all(early.map((client) => client.waitFor('tick', (tick) => drawOf(tick) !== null, 10_000)));
    const openingMs = Date.now() - opened;
    const openingCommands = (await totalCommands(stats)) - commandsBefore;
    console.info(
      `[measure] opening: every one of ${PREQUEUE} pre-queue clients had its drawn place ${openingMs} ms after the opening; Redis ran ${openingCommands} commands meanwhile`,
    );
    // Two nodes tick every 50 ms (about 5 commands each) and two controllers step; per-client work would be ≥ 2,000.
    expect(openingCommands).toBeLessThan(PREQUEUE / 4);

    const draw = drawOf(firstDrawn[0]!)!;
    expect(draw).toEqual({ size: PREQUEUE, seed: SEED });
    // What each client shows is its drawn place: nobody left, so everybody placed before it is ahead.
    const places = early.map((client, k) => peopleAhead(firstDrawn[k]!, client.ticketNo) + 1);
    expect(new Set(places).size).toBe(PREQUEUE);
    expect(places).toEqual(early.map((client) => placeOf(client.ticketNo, draw)));

    const test = chiSquareIndependence(
      decileTable(
        early.map((client, k) => ({ a: client.ticketNo, b: places[k]! })),
        PREQUEUE,
      ),
    );
    console.info(`[measure] place vs arrival decile: chi-square ${test.statistic.toFixed(1)} on ${test.degreesOfFreedom} df, p = ${test.pValue.toFixed(3)}`);
    expect(test.pValue).toBeGreaterThan(0.01);
    // The test can tell: arrival order itself (no draw) is rejected outright.
    expect(
      chiSquareIndependence(
        decileTable(
          arrival.map((n) => ({ a: n, b: n })),
          PREQUEUE,
        ),
      ).pValue,
    ).toBeLessThan(1e-6);

    // Later arrivals queue behind the whole pre-queue, in arrival order.
    late = await joinAll(nodes, LATE, 1);
    const lateNumbers = late.map((client) => client.ticketNo).sort((a, b) => a - b);
    expect(lateNumbers[0]).toBe(PREQUEUE + 1);
    for (const client of late) {
      const tick = await client.waitFor('tick', (t) => t.i >= PREQUEUE + LATE, 10_000);
      expect(peopleAhead(tick, client.ticketNo)).toBe(client.ticketNo - 1);
    }

    // Admission follows the places: each controller step's grants share an expiry; earlier steps, earlier places.
    await stores.queue.setPaused(E, false);
    const everyone = [...early, ...late];
    const admitting = setInterval(() => clock.advance(100), 20);
    try {
      await Promise.all(everyone.map((client) => client.waitFor('admitted', () => true, 60_000)));
    } finally {
      clearInterval(admitting);
    }
    const byPlace = everyone.map((client) => ({ place: placeOf(client.ticketNo, draw), expiresAt: client.grant!.expiresAt })).sort((a, b) => a.place - b.place);
    const steps = new Set(byPlace.map((entry) => entry.expiresAt)).size;
    for (let k = 1; k < byPlace.length; k++) expect(byPlace[k]!.expiresAt).toBeGreaterThanOrEqual(byPlace[k - 1]!.expiresAt);
    console.info(`[measure] ${everyone.length} admitted over ${steps} controller steps, in drawn order`);
    expect(steps).toBeGreaterThan(5);
  }, 180_000);
});
