/**
 * `npm run verify-draw` as a person runs it, against real gateways: two nodes,
 * each with its own store client on one private redis-server, and people
 * joining the pre-queue. Before the opening both publish the same commitment
 * (also after one restarts, with a new store client proposing another seed),
 * and the verifier remembers it; after the opening it verifies the draw and a
 * ticket's place. Then the store is tampered with as an operator could: a
 * changed seed, a changed size, a rewritten commitment and a reordered place
 * are each refused with exit code 1 and their DRAW_* code.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import { eventKeys } from '../../server/store/redis/keys.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import type { Stores } from '../../server/store/types.js';
import { DrawRecord } from '../../shared/http/draw.js';
import { drawRecordPath } from '../../shared/http/draw-route.js';
import { GatewayInfo } from '../../shared/http/info.js';
import { drawCommitment } from '../../shared/queue/draw-commitment.js';
import { placeOf } from '../../shared/queue/draw.js';
import { drawOf, peopleAhead } from '../../shared/queue/position.js';
import { startRedisServer, stopRedisServers, type RedisServer } from '../support/redis-server.js';
import { FakeClock, startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const E = 'ages-53-54';
const PREFIX = 'verify';
const PREQUEUE = 30;
const NOW = Date.now();
// The opening is ahead in real time too: the verifier's own clock must read "before the opening" at first.
const OPENS = NOW + 5 * 60_000;

interface Run {
  code: number;
  out: string;
}

function verifyDraw(gateway: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'tools/verify-draw/main.ts', '--event', E, '--gateway', gateway, ...args],
      { timeout: 30_000 },
      (error, out, err) => {
        resolve({ code: error ? Number(error.code) : 0, out: out + err });
      },
    );
  });
}

async function record(node: TestSystem): Promise<DrawRecord> {
  return DrawRecord.parse(await (await fetch(`${node.gatewayUrl}${drawRecordPath(E)}`)).json());
}

/** Waits until every node's published record passes the test (their ticks re-read the store). */
async function until(nodes: TestSystem[], test: (record: DrawRecord) => boolean): Promise<DrawRecord> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const records = await Promise.all(nodes.map(record));
    if (records.every(test)) return records[0]!;
    if (Date.now() > deadline) throw new Error(`records never passed: ${JSON.stringify(records)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('npm run verify-draw against real gateways', () => {
  let redis: RedisServer;
  let raw: ReturnType<typeof createClient>;
  const stores: Stores[] = [];
  const nodes: TestSystem[] = [];
  const clients: TestClient[] = [];
  let dir: string;
  const clock = new FakeClock(NOW);
  const meta = eventKeys(PREFIX, E).meta;

  beforeAll(async () => {
    redis = await startRedisServer({ appendonly: false });
    raw = createClient({ url: redis.url });
    await raw.connect();
    dir = await mkdtemp(join(tmpdir(), 'verify-draw-'));
    for (let i = 0; i < 2; i++) nodes.push(await startNode());
  }, 60_000);

  const keys = generateKeys('verify');
  const events = [testEvent({ id: E, prequeueOpensAt: NOW - 60_000, opensAt: OPENS, closesAt: OPENS + 3600_000, maxActive: 1, admitsPerMinute: 1 }, NOW)];
  /** A gateway with its controller and a store client of its own, as a separate process has: each proposes its own seed. */
  async function startNode(): Promise<TestSystem> {
    const store = await createRedisStores({ redisUrl: redis.url, keyPrefix: PREFIX });
    stores.push(store);
    return startTestSystem({ store: 'redis', stores: store, keys, events, clock, controller: { nodeTimeoutMs: 600_000 } });
  }

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.drop()));
    for (const node of nodes) await node.stop();
    for (const store of stores) await store.close();
    await raw?.close();
    await stopRedisServers();
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies the commitment published before the opening, the draw after it, and refuses every tampering with its code', async () => {
    for (let k = 0; k < PREQUEUE; k++) {
      // All on node 0: node 1 restarts below, and its people would leave the line.
      const client = await TestClient.connect(nodes[0]!.wsUrl);
      await client.join(E);
      clients.push(client);
    }
    const state = join(dir, 'seen.json');
    // Before the opening: the same commitment on both gateways and in /api/info, no seed.
    const published = await until(nodes, (r) => r.commitment !== null && r.issued === PREQUEUE);
    expect(published.reveal).toBeNull();
    for (const node of nodes) {
      expect(await record(node)).toEqual(published);
      const info = GatewayInfo.parse(await (await fetch(`${node.gatewayUrl}/api/info`)).json());
      expect(info.events.find((event) => event.id === E)!.draw).toEqual({ commitment: published.commitment, reveal: null });
    }
    const before = await verifyDraw(nodes[0]!.gatewayUrl!, '--state', state);
    expect(before.out).toContain(`commitment ${published.commitment!.hash}`);
    expect(before.out).toContain('COMMITTED');
    expect(before.code).toBe(0);
    expect(JSON.parse(await readFile(state, 'utf8'))).toMatchObject({ commitment: published.commitment!.hash, issued: PREQUEUE });

    // A gateway and its controller restart (a new process, a new proposal): the commitment stays, it is the store's.
    await nodes[1]!.stop();
    nodes[1] = await startNode();
    expect(await until(nodes, (r) => r.issued === PREQUEUE)).toEqual(published);

    // The opening: the seed revealed matches the commitment published before it.
    clock.set(OPENS);
    const opened = await until(nodes, (r) => r.reveal !== null);
    expect(opened.commitment).toEqual(published.commitment);
    expect(opened.reveal!.size).toBe(PREQUEUE);
    expect(await drawCommitment(E, opened.reveal!.seed, opened.reveal!.nonce)).toBe(published.commitment!.hash);

    // A person's place as their page's tick gives it, from a tick of the draw:
    // the last of the draw, whose turn is far off (one person a minute is admitted).
    const person = clients.find((client) => placeOf(client.ticketNo, opened.reveal!) === PREQUEUE)!;
    const tick = await person.waitFor('tick', (t) => drawOf(t) !== null, 5000, false);
    // Nobody left: the places passed (the cursor), the people ahead, then the person.
    const place = tick.c + peopleAhead(tick, person.ticketNo) + 1;
    const ok = await verifyDraw(nodes[1]!.gatewayUrl!, '--state', state, '--ticket', String(person.ticketNo), '--place', String(place), '--issued', 'before');
    expect(ok.out).toContain(`ticket ${person.ticketNo} → place ${place}`);
    expect(ok.out).toContain('VERIFIED');
    expect(ok.code).toBe(0);

    // A reordered place: another place than the draw's for this ticket.
    const moved = await verifyDraw(nodes[0]!.gatewayUrl!, '--ticket', String(person.ticketNo), '--place', String((place % PREQUEUE) + 1));
    expect(moved.out).toContain('FAILED DRAW_PLACE_MISMATCH');
    expect(moved.code).toBe(1);

    const { seed, size } = opened.reveal!;
    // A changed seed, as an operator who rewrites the store after the opening.
    await raw.hSet(meta, 'drawSeed', String((seed + 1) % 2 ** 32));
    await until(nodes, (r) => r.reveal!.seed !== seed);
    const reseeded = await verifyDraw(nodes[0]!.gatewayUrl!);
    expect(reseeded.out).toContain('FAILED DRAW_COMMITMENT_MISMATCH');
    expect(reseeded.code).toBe(1);

    // The seed and a new commitment to it: only the commitment seen before the opening gives it away.
    const nonce = opened.reveal!.nonce;
    await raw.hSet(meta, 'commitment', await drawCommitment(E, (seed + 1) % 2 ** 32, nonce));
    await until(nodes, (r) => r.commitment!.hash !== published.commitment!.hash);
    expect((await verifyDraw(nodes[0]!.gatewayUrl!)).code).toBe(0);
    const recommitted = await verifyDraw(nodes[0]!.gatewayUrl!, '--state', state);
    expect(recommitted.out).toContain('FAILED DRAW_COMMITMENT_CHANGED');
    expect(recommitted.code).toBe(1);

    // A changed size, the seed restored: fewer tickets than were issued before the opening.
    await raw.hSet(meta, { drawSeed: String(seed), commitment: published.commitment!.hash, drawSize: String(size - 5) });
    await until(nodes, (r) => r.reveal!.size === size - 5 && r.reveal!.seed === seed);
    const resized = await verifyDraw(nodes[0]!.gatewayUrl!, '--state', state);
    expect(resized.out).toContain('FAILED DRAW_SIZE_MISMATCH');
    expect(resized.code).toBe(1);
    const leftOut = await verifyDraw(nodes[0]!.gatewayUrl!, '--ticket', String(size - 2), '--issued', 'before');
    expect(leftOut.out).toContain('FAILED DRAW_SIZE_MISMATCH');
    expect(leftOut.code).toBe(1);
  }, 90_000);
});
