/**
 * Issue 16 item 3 on the real components: Debian's HAProxy on the shipped configuration (deploy/haproxy/,
 * local ports substituted as test/support/haproxy.ts does) in front of 3 gateway processes (no controller
 * inside), 1 controller and 1 reservation handler on a private Redis, gateway.trustProxy 127.0.0.1.
 * Everyone connects through HAProxy's port only: 300 roaming clients, 3 SDK clients (Node) and one
 * Chromium waiting page.
 * - The per-address limits count the address HAProxy forwards, not HAProxy's.
 * - SIGKILL one gateway: its clients resume through HAProxy on the others, same ticket, same place;
 *   HAProxy logs the server DOWN.
 * - Rolling restart through the drain (drainSeconds 3): SIGTERM each gateway, start its replacement on
 *   the same port, wait until HAProxy has it UP, then the next. The reconnects a drain sends (first
 *   attempt after each MOVING close, per 200 ms bucket) stay within the bound the drain test uses; no
 *   ticket or place is lost; the first people are then admitted and book through HAProxy's booking port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { memoryStorage, WaitroomClient } from '../../client/sdk/index.js';
import { CloseCode } from '../../shared/protocol/codes.js';
import { launchBrowser, newContext } from '../support/browser.js';
import { bookOnAdmission, cleanUpClusterTest, joinInBatches, largestBucket, pollUntil, RedisWatch, sleep } from '../support/cluster-flow.js';
import { HTTP_FRONTEND, SHARED_CONFIG, startHaproxy, stopHaproxy, type RunningHaproxy } from '../support/haproxy.js';
import { startNode, writeClusterConfig, type ServingNode } from '../support/processes.js';
import { startRedisServer, stopRedisServers } from '../support/redis-server.js';
import type { RoamingClient } from '../support/roaming-client.js';
import { testEvent } from '../support/system.js';
import { hook } from '../browser/waiting-support.js';
import type { Browser, Page } from 'playwright-core';

const EVENT = 'behind-lb';
const CLIENTS = 300;
const SDK_CLIENTS = 3;
const DRAIN_SECONDS = 3;
/** What the gateways are given: DRAIN_SECONDS, unless LB_TEST_DRAIN_SECONDS=0 shows the bound failing without the drain. */
const GATEWAY_DRAIN_SECONDS = process.env.LB_TEST_DRAIN_SECONDS ?? String(DRAIN_SECONDS);
const BUCKET_MS = 200;
/** As test/cluster/gateway-drain.test.ts: 2.5 times the even rate (connections / drainSeconds) per bucket. */
const bucketBound = (connections: number) => Math.ceil(2.5 * (connections / DRAIN_SECONDS) * (BUCKET_MS / 1000));
/** Per address and gateway, for the limits check (the test clients' own 127.0.0.1 is a NAT range). */
const PER_IP_CONNECTIONS = 2;
const NAMES = ['gateway-1', 'gateway-2', 'gateway-3'] as const;

let watch: RedisWatch | null = null;
let clients: RoamingClient[] = [];
let haproxy: RunningHaproxy | null = null;
let browser: Browser | null = null;
const sdks: WaitroomClient[] = [];
const dir = mkdtempSync(join(tmpdir(), 'waitroom-lb-'));

afterAll(async () => {
  for (const sdk of sdks) sdk.stop();
  await browser?.close();
  await cleanUpClusterTest(clients, watch);
  if (haproxy) await stopHaproxy(haproxy);
  await stopRedisServers();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** Resolves with the time HAProxy logs `gateways/<name> is <state>` for the `after`-th time or later. */
async function haproxySays(name: string, state: 'UP' | 'DOWN', seenBefore: number, timeoutMs: number): Promise<number> {
  const pattern = new RegExp(`Server gateways/${name} is ${state}`, 'g');
  await pollUntil(() => (haproxy!.output().match(pattern)?.length ?? 0) > seenBefore, timeoutMs, `HAProxy: ${name} ${state}`, 20);
  return Date.now();
}
const countSaid = (name: string, state: 'UP' | 'DOWN') => haproxy!.output().match(new RegExp(`Server gateways/${name} is ${state}`, 'g'))?.length ?? 0;

/** A WebSocket upgrade through HAProxy as if from `address` (HAProxy appends its peer, 127.0.0.1). */
function upgradeFrom(url: string, address: string): Promise<{ status: number; socket: WebSocket | null }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { 'x-forwarded-for': address } });
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('unexpected-response', (request, response) => {
      resolve({ status: response.statusCode ?? 0, socket: null });
      request.destroy();
    });
    socket.once('error', reject);
  });
}

/** Every client's ticket number unchanged on every resume, and its latest tick (paused queue) puts everyone before it ahead. */
async function everyPlaceKept(after: number): Promise<void> {
  await Promise.all(clients.map((c) => c.until((client) => client.ahead.some((s) => s.at > after), 10_000, 'a tick after the move')));
  for (const client of clients) {
    expect(new Set(client.ticketNos)).toEqual(new Set([client.ticketNo]));
    expect(client.ahead.at(-1)!.ahead).toBe(client.ticketNo - 1);
    expect(client.failure).toBeNull();
  }
}

describe('HAProxy in front of three gateway processes', () => {
  let config: Awaited<ReturnType<typeof writeClusterConfig>>;
  const gateways: ServingNode[] = [];
  let lbHttp = '';
  let lbWs = '';
  let bookingUrl = '';
  let page: Page;
  const sdkSeen: { ticketNo: number; resumed: boolean; ahead: number | null; at: number }[][] = [];

  const startGateway = (index: number, port?: number) =>
    startNode({
      role: 'gateway',
      name: NAMES[index]!,
      configFile: config.path,
      noController: true,
      port,
      readyPath: '/readyz',
      env: { DRAIN_SECONDS: GATEWAY_DRAIN_SECONDS },
    });

  beforeAll(async () => {
    const redis = await startRedisServer({ appendonly: false });
    config = await writeClusterConfig({
      events: [testEvent({ id: EVENT, maxActive: 5 })],
      tickMs: 500,
      redisUrl: redis.url,
      gateway: { trustProxy: ['127.0.0.1'], perIp: { maxConnections: PER_IP_CONNECTIONS } },
    });
    watch = await RedisWatch.open(config.prefix, redis.url);
    await watch.stores.queue.setPaused(EVENT, true);
    const [reservations] = await Promise.all([
      startNode({ role: 'reservations', name: 'reservations', configFile: config.path, readyPath: '/readyz' }),
      startNode({ role: 'controller', name: 'controller', configFile: config.path }),
    ]);
    for (let i = 0; i < 3; i++) gateways.push(await startGateway(i));
    const servers = { ...Object.fromEntries(gateways.map((g) => [g.name, g.port])), reservations: reservations.port };
    haproxy = await startHaproxy(dir, [SHARED_CONFIG, HTTP_FRONTEND], { servers });
    lbHttp = `http://127.0.0.1:${haproxy.ports.get(8080)}`;
    lbWs = `ws://127.0.0.1:${haproxy.ports.get(8080)}/ws`;
    bookingUrl = `http://127.0.0.1:${haproxy.ports.get(8081)}`;
    // HAProxy starts every server UP and checks it within 2 s; a first /readyz pass on each is enough here.
    await sleep(2500);
  }, 60_000);

  it('applies the per-address limits to the address HAProxy forwards (gateway.trustProxy), not to HAProxy', async () => {
    // Round robin over 3 gateways: 7 upgrades from one address put 3 on some gateway, over its cap of 2.
    const fromOne = [];
    for (let i = 0; i < 7; i++) fromOne.push(await upgradeFrom(lbWs, '203.0.113.7'));
    const other = await upgradeFrom(lbWs, '203.0.113.8');
    for (const { socket } of [...fromOne, other]) socket?.close();
    expect(fromOne.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
    expect(fromOne.filter((r) => r.status === 101).length).toBeGreaterThanOrEqual(PER_IP_CONNECTIONS * 2);
    expect(other.status).toBe(101);
  });

  it(`${CLIENTS} clients, ${SDK_CLIENTS} SDK clients and a page resume through HAProxy when a gateway is SIGKILLed`, { timeout: 60_000 }, async () => {
    clients = await joinInBatches(CLIENTS, 50, () => ({ urls: [lbWs], eventId: EVENT }));
    for (let i = 0; i < SDK_CLIENTS; i++) {
      const seen: (typeof sdkSeen)[number] = [];
      sdkSeen.push(seen);
      const sdk = new WaitroomClient({ eventId: EVENT, gateway: lbHttp, storage: memoryStorage(), WebSocket });
      sdks.push(sdk);
      sdk.on('ticket', (t) => seen.push({ ...t, ahead: null, at: Date.now() }));
      sdk.on('position', (p) => seen.push({ ticketNo: seen[0]?.ticketNo ?? 0, resumed: false, ahead: p.peopleAhead, at: Date.now() }));
      sdk.start();
    }
    await pollUntil(() => sdkSeen.every((seen) => seen.some((s) => s.ahead !== null)), 10_000, 'a place on every SDK client');
    browser = await launchBrowser();
    page = await (await newContext(browser, { locale: 'en-US' })).newPage();
    await page.goto(`${lbHttp}/?event=${EVENT}&lang=en`);
    await expect.poll(() => hook(page, 'ticket-no'), { timeout: 15_000 }).toMatch(/^\d+$/);
    const pageTicket = Number(await hook(page, 'ticket-no'));
    await expect.poll(() => hook(page, 'people-ahead'), { timeout: 10_000 }).toBe(String(pageTicket - 1));

    const killed = gateways[0]!;
    const downBefore = countSaid(killed.name, 'DOWN');
    const killedAt = Date.now();
    killed.kill('SIGKILL');
    await killed.exited;
    const downAt = await haproxySays(killed.name, 'DOWN', downBefore, 10_000);
    const moved = clients.filter((c) => c.drops.some((t) => t >= killedAt));
    expect(moved.length).toBeGreaterThan(CLIENTS / 6);
    await Promise.all(moved.map((c) => c.until((client) => client.resumes.some((t) => t >= killedAt), 15_000, 'a resume after the kill')));
    const lastResumeMs = Math.max(...moved.map((c) => c.resumes.find((t) => t >= killedAt)!)) - killedAt;
    await everyPlaceKept(killedAt);
    for (const seen of sdkSeen) {
      const ticketNo = seen[0]!.ticketNo;
      expect(seen.filter((s) => s.ahead === null).every((s) => s.ticketNo === ticketNo)).toBe(true);
    }
    await expect.poll(() => hook(page, 'people-ahead'), { timeout: 10_000 }).toBe(String(pageTicket - 1));
    expect(Number(await hook(page, 'ticket-no'))).toBe(pageTicket);
    console.log(
      `SIGKILL of ${killed.name}: ${moved.length} of ${CLIENTS} clients moved, the last resumed after ${lastResumeMs} ms; HAProxy logged it DOWN after ${downAt - killedAt} ms`,
    );

    // Back to 3 gateways on the same port before the rolling restart.
    const upBefore = countSaid(killed.name, 'UP');
    gateways[0] = await startGateway(0, killed.port);
    const upAt = await haproxySays(killed.name, 'UP', upBefore, 15_000);
    console.log(`${killed.name} restarted: HAProxy had it UP ${upAt - killedAt} ms after the kill`);
  });

  it(`a rolling restart through the drain (${DRAIN_SECONDS} s) keeps every place and a bounded reconnect rate`, { timeout: 90_000 }, async () => {
    const startedAt = Date.now();
    const sdkTicketsBefore = sdkSeen.map((seen) => seen.filter((s) => s.ahead === null).length);
    // The killed gateway came back empty (nobody rebalances): it goes last, after the others' drains filled it.
    for (const i of [1, 2, 0]) {
      const old = gateways[i]!;
      const upBefore = countSaid(old.name, 'UP');
      const downBefore = countSaid(old.name, 'DOWN');
      const signalledAt = Date.now();
      old.kill('SIGTERM');
      // /readyz is 503 from the SIGTERM on: HAProxy takes it out (2 failed checks 2 s apart) while it drains.
      const downing = haproxySays(old.name, 'DOWN', downBefore, 10_000);
      expect(await old.exited).toBe(0);
      const exitedAt = Date.now();
      const downAt = await downing;
      gateways[i] = await startGateway(i, old.port);
      const upAt = await haproxySays(old.name, 'UP', upBefore, 15_000);
      // Whoever was closed while it drained (the replacement holds nobody yet).
      const leaving = clients.filter((c) => c.drops.some((t) => t >= signalledAt && t <= exitedAt));
      const departures = leaving.map((c) => c.drops.find((t) => t >= signalledAt)!);
      const arrivals = leaving.map((c) => c.attempts.find((t) => t >= signalledAt)!);
      const retries = leaving.reduce((sum, c) => sum + c.attempts.filter((t) => t >= signalledAt && t <= upAt).length - 1, 0);
      await Promise.all(leaving.map((c) => c.until((client) => client.resumes.some((t) => t >= signalledAt), 15_000, 'a resume after the drain')));
      const bound = bucketBound(leaving.length);
      const resumedBucket = largestBucket(
        leaving.map((c) => c.resumes.find((t) => t >= signalledAt)!),
        BUCKET_MS,
      );
      const line =
        `${old.name}: ${leaving.length} moved over ${Math.max(...departures) - Math.min(...departures)} ms, largest ${BUCKET_MS} ms bucket ` +
        `${largestBucket(departures, BUCKET_MS)} departures / ${largestBucket(arrivals, BUCKET_MS)} reconnects (bound ${bound}) / ${resumedBucket} resumes answered, ${retries} retries (503 from the draining gateway before HAProxy took it out); ` +
        `exit after ${exitedAt - signalledAt} ms, HAProxy DOWN after ${downAt - signalledAt} ms, replacement UP after ${upAt - signalledAt} ms`;
      console.log(line);
      expect(largestBucket(departures, BUCKET_MS)).toBeLessThanOrEqual(bound);
      expect(largestBucket(arrivals, BUCKET_MS)).toBeLessThanOrEqual(bound);
      for (const c of leaving) expect(c.dropCodes[c.drops.findIndex((t) => t >= signalledAt)]).toBe(CloseCode.MOVING);
    }
    // Every client was on a gateway that restarted after it: each was moved by a drain at least once.
    const neverMoved = clients.filter((c) => !c.drops.some((t, k) => t >= startedAt && c.dropCodes[k] === CloseCode.MOVING));
    expect(neverMoved.map((c) => c.ticketNo)).toEqual([]);
    await everyPlaceKept(startedAt);
    const pageTicket = Number(await hook(page, 'ticket-no'));
    await expect.poll(() => hook(page, 'people-ahead'), { timeout: 10_000 }).toBe(String(pageTicket - 1));
    for (const [k, seen] of sdkSeen.entries()) {
      const tickets = seen.filter((s) => s.ahead === null);
      expect(tickets.length).toBeGreaterThan(sdkTicketsBefore[k]!);
      expect(new Set(tickets.map((t) => t.ticketNo)).size).toBe(1);
    }

    // Admission resumes: the first people in line are admitted and book through HAProxy's booking port.
    await watch!.stores.queue.setPaused(EVENT, false);
    const first = [...clients].sort((a, b) => a.ticketNo - b.ticketNo).slice(0, 3);
    const bookings = await Promise.all(first.map((client) => bookOnAdmission(client, { eventId: EVENT, reservationsUrl: bookingUrl, admitTimeoutMs: 15_000 })));
    for (const record of bookings) expect(record.booking?.status).toBe(201);
  });
});
