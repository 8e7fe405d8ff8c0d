/**
 * Issue 19 item 4 on the real components: Debian's HAProxy on the shipped configuration (deploy/haproxy/,
 * local ports as test/support/haproxy.ts substitutes them, plus the spare server slot docs/operations.md
 * asks for) in front of 3 gateway processes on a private Redis, gateway.trustProxy 127.0.0.1; 3,000 quiet
 * clients join through HAProxy's port only. A rolling restart of all three as docs/operations.md says
 * (start the replacement in the free slot, wait until HAProxy has it UP, SIGTERM the old one, whose drain
 * moves its clients; the old one's slot is free for the next), then the hand-offs (decision 028) settle.
 * Asserted: every client resumed its ticket (0 places lost), moves per client mean <= 1, every gateway
 * within 20 % of an even share at the end, and each gateway's resumes in any second within the bound the
 * configuration sets (the drain's pace, connections / drainSeconds, or rebalance.movesPerSecond).
 * Measuring other choices (not asserted the same way): LB_BALANCE=roundrobin, ROLL_ORDER=in-place,
 * REBALANCE=0.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, sleep } from '../support/cluster-flow.js';
import { HTTP_FRONTEND, SHARED_CONFIG, startHaproxy, stopHaproxy, type RunningHaproxy } from '../support/haproxy.js';
import { cleanUpProcesses, freePort, startNode, writeClusterConfig, type ServingNode } from '../support/processes.js';
import { QuietRoamer } from '../support/quiet-roamer.js';
import { startRedisServer, stopRedisServers } from '../support/redis-server.js';
import { testEvent } from '../support/system.js';
import { RedisWatch } from '../support/cluster-flow.js';
import { drainPlan, DRAIN_STEP_MS } from '../../server/gateway/drain.js';
import { CounterSampler } from '../support/counter-sampler.js';
import { countBy, peakRate, rollingRestart, type Slot } from '../support/rolling-restart.js';

const EVENT = 'rolled';
const CLIENTS = 3000;
const GATEWAYS = 3;
const DRAIN_SECONDS = 8;
const REBALANCE = { enabled: process.env.REBALANCE !== '0', marginPercent: 10, movesPerSecond: 100, settleSeconds: 5 };
const BALANCE = process.env.LB_BALANCE ?? 'leastconn';
const ORDER = process.env.ROLL_ORDER === 'in-place' ? 'in-place' : 'surge';
/**
 * The resumes a second one gateway may take: one drain's pace as the drain plans it for a gateway's even share
 * (hand-offs wait while a gateway drains), or the hand-offs' movesPerSecond.
 */
const RESUME_BOUND = Math.max((drainPlan(CLIENTS / GATEWAYS, DRAIN_SECONDS * 1000).perStep * 1000) / DRAIN_STEP_MS, REBALANCE.movesPerSecond);
/**
 * A drain closes a batch every 100 ms and each waits up to 100 ms more; stalls of this process (all 3,000
 * sockets, on 2 shared cores) send the reconnects it owes together: over 2 s, up to 1.48 times the pace in 4
 * runs, which a stall of 1 s explains; over 3 s (asserted) a stall of 1.5 s fits in 1.5 times. Without the
 * drain's pacing a gateway's 1,000 clients all come back within a second or two.
 */
const RESUME_SLACK = 1.5;
const SLOTS = ['gateway-1', 'gateway-2', 'gateway-3', 'gateway-4'];

let clients: QuietRoamer[] = [];
let haproxy: RunningHaproxy | null = null;
let watch: RedisWatch | null = null;
const dir = mkdtempSync(join(tmpdir(), 'waitroom-rebalance-'));

afterAll(async () => {
  for (const client of clients) client.stop();
  await watch?.close();
  await cleanUpProcesses();
  if (haproxy) await stopHaproxy(haproxy);
  await stopRedisServers();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** The shipped shared file with a fourth `server` line in each gateway backend (the spare slot) and the balance under test. */
function withSpareSlot(): string {
  const text = readFileSync(SHARED_CONFIG, 'utf8')
    .replace(/^(\s*server gateway-3 gateway-3:8080\n)/gm, '$1    server gateway-4 gateway-4:8080\n')
    .replace(/^(\s*balance )leastconn$/gm, `$1${BALANCE}`);
  const path = join(dir, 'haproxy-with-spare.cfg');
  writeFileSync(path, text);
  return path;
}

describe(`a rolling restart of ${GATEWAYS} gateways behind HAProxy (${BALANCE}, ${ORDER})`, () => {
  const slots: Slot[] = [];
  let lbWs = '';

  beforeAll(async () => {
    const redis = await startRedisServer({ appendonly: false });
    const config = await writeClusterConfig({
      events: [testEvent({ id: EVENT, maxActive: 5 })],
      tickMs: 1000,
      redisUrl: redis.url,
      gateway: { trustProxy: ['127.0.0.1'], rebalance: REBALANCE },
    });
    watch = await RedisWatch.open(config.prefix, redis.url);
    // Nobody is admitted: every client still waits when the test looks.
    await watch.stores.queue.setPaused(EVENT, true);
    const start = (name: string, port: number): Promise<ServingNode> =>
      startNode({
        role: 'gateway',
        name,
        configFile: config.path,
        noController: true,
        port,
        readyPath: '/readyz',
        // A tsx start on a loaded 2-core machine has taken over 20 s.
        readyTimeoutMs: 60_000,
        env: { DRAIN_SECONDS: String(DRAIN_SECONDS) },
      });
    for (const name of SLOTS) slots.push({ name, port: await freePort(), node: null, start });
    await Promise.all(slots.slice(0, GATEWAYS).map(async (slot) => (slot.node = await slot.start(slot.name, slot.port))));
    // No reservation handler: nobody books here; its backend's slot stays empty.
    const servers = { ...Object.fromEntries(slots.map((slot) => [slot.name, slot.port])), reservations: await freePort() };
    haproxy = await startHaproxy(dir, [withSpareSlot(), HTTP_FRONTEND], { servers });
    lbWs = `ws://127.0.0.1:${haproxy.ports.get(8080)}/ws`;
    // HAProxy starts every server UP: wait until its checks took the empty spare slot out.
    await pollUntil(() => haproxy!.output().includes('Server gateways/gateway-4 is DOWN'), 10_000, 'the spare slot DOWN', 50);
  }, 60_000);

  it(
    `moves each of ${CLIENTS} clients at most once on average, ends within 20 % of even, resumes per gateway within the bound`,
    { timeout: 240_000 },
    async () => {
      for (let k = 0; k < CLIENTS; k += 100)
        clients.push(...(await Promise.all(Array.from({ length: Math.min(100, CLIENTS - k) }, () => QuietRoamer.join(lbWs, EVENT)))));
      const connectedPer = () => countBy(clients.flatMap((c) => (c.node ? [c.node] : [])));
      console.log(`joined through HAProxy: ${JSON.stringify(connectedPer())}`);

      const sampler = new CounterSampler(
        () => slots.flatMap((slot) => (slot.node ? [{ label: `${slot.name}/${slot.node.pid}`, url: slot.node.url }] : [])),
        new RegExp(`^waitroom_resumes_total\\{[^}]*event="${EVENT}"[^}]*\\} (\\d+)$`, 'm'),
      );
      sampler.start();
      const startedAt = Date.now();
      const steps = await rollingRestart(slots, haproxy!, ORDER);
      for (const step of steps) console.log(step);
      const rolledAt = Date.now();

      // The hand-offs start once the gateways' set is still for settleSeconds; give them that and their pace.
      const even = CLIENTS / GATEWAYS;
      const balanced = () => {
        const counts = Object.values(connectedPer());
        return counts.length === GATEWAYS && counts.every((n) => Math.abs(n - even) <= even / 5) && clients.every((c) => c.node);
      };
      await pollUntil(balanced, (REBALANCE.settleSeconds + 25) * 1000, 'every gateway within 20 % of an even share', 500).catch(() => {});
      await sleep(2000);
      sampler.stop();
      const settledMs = Date.now() - rolledAt;

      const moves = clients.map((c) => c.drops.filter((d) => d.at >= startedAt).length);
      const mean = moves.reduce((a, b) => a + b, 0) / CLIENTS;
      const resumes = clients.flatMap((c) => c.landings.filter((l) => l.at >= startedAt));
      // Where it happens: each gateway's waitroom_resumes_total, over any 3 s between samples. The clients' own
      // times are printed too: this process holds all 3,000 sockets on 2 shared cores, and when it stalls the
      // reconnects it owes go out together, a bunching that 3,000 separate devices would not have.
      const peaks = sampler.peakRates(3000);
      const peaksIn2s = sampler.peakRates(2000);
      const asked = peakRate(
        resumes.map((l) => ({ at: l.askedAt, node: l.node })),
        1000,
      );
      const final = connectedPer();
      const lost = clients.filter((c) => c.failure || c.landings.some((l) => l.ticketNo !== c.ticketNo));
      const joiningDrops = clients.flatMap((c) => c.drops.filter((d) => d.at < startedAt).map((d) => String(d.code)));
      console.log(
        `[measure] ${BALANCE}, ${ORDER}, rebalance ${REBALANCE.enabled ? 'on' : 'off'}: moves per client ${JSON.stringify(countBy(moves.map(String)))} ` +
          `(mean ${mean.toFixed(2)}, ${moves.reduce((a, b) => a + b, 0)} in all); final ${JSON.stringify(final)} ${settledMs} ms after the last restart; ` +
          `peak resumes a second per gateway process over 3 s ${JSON.stringify(peaks)} (bound ${RESUME_BOUND} x ${RESUME_SLACK}), over 2 s ${JSON.stringify(peaksIn2s)}; ` +
          `by the clients' clocks in any 1 s ${JSON.stringify(asked)} reconnects, ${JSON.stringify(peakRate(resumes, 1000))} resumes answered; ` +
          `drops while joining ${JSON.stringify(countBy(joiningDrops))}; failed attempts ${clients.reduce((sum, c) => sum + c.failedAttempts, 0)}; places lost ${lost.length}`,
      );
      expect(lost.map((c) => c.failure ?? c.ticketNo)).toEqual([]);
      expect(mean).toBeLessThanOrEqual(1);
      expect(Object.keys(final).length).toBe(GATEWAYS);
      for (const count of Object.values(final)) expect(Math.abs(count - even)).toBeLessThanOrEqual(even / 5);
      for (const peak of Object.values(peaks)) expect(peak).toBeLessThanOrEqual(RESUME_BOUND * RESUME_SLACK);
    },
  );
});
