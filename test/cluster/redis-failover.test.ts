/**
 * A Redis Cluster failover under load (docs/decisions/025): 3 masters and 3
 * replicas (cluster-node-timeout 2000, appendfsync always), a gateway, a
 * controller and a reservation handler process, 600 clients over three events
 * on three masters. The master of one event is SIGKILLed at peak and never
 * comes back: every role serves that event again within 5 s of its replica's
 * promotion, the other events keep admitting, and nobody is lost, booked twice
 * or admitted out of order or past maxActive. Then processes started with the
 * dead node in their seed list: first of several (a gateway and a reservation
 * handler serve at once), and alone (a gateway listens, and connects once that
 * node answers again).
 */
import { afterAll, expect, it } from 'vitest';
import { connectRedisCluster } from '../../server/store/redis/client.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import { eventKeys } from '../../server/store/redis/keys.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { cleanUpProcesses, startNode, writeClusterConfig } from '../support/processes.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { redisCommand, sleep, stopRedisServers, type RedisServer } from '../support/redis-server.js';
import { testEvent } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const PER_EVENT = 200;
const MAX_ACTIVE = 20;
/** 20 a second: each event takes about 10 s, so the healthy ones are still admitting through the failover. */
const ADMITS_PER_MINUTE = 1200;
const GRANT_TTL_MS = 600_000;
/** The goal: every role serves the affected event again this soon after the promotion. */
const RESUME_WITHIN_MS = 5000;
/** The longest pause a healthy event may make beyond what the machine's load made before the kill. */
const HEALTHY_PAUSE_MS = 2000;
/** Longer than any answer in flight at the kill takes: a success later than this after it came from the promoted replica. */
const IN_FLIGHT_MS = 500;
/** The kill comes once this many of the affected event's people have booked. */
const KILL_AFTER_BOOKED = 50;

interface Person {
  client: TestClient;
  eventId: string;
  /** Date.now() when the admitted message arrived; the booking's time as the reservation handler recorded it. */
  admittedSeenAt?: number;
  bookedAt?: number;
  reference?: string;
  statuses: number[];
}

const clients: TestClient[] = [];
afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.drop()));
  await cleanUpProcesses(2000);
  await stopRedisServers();
});

/** The store's admission time of a person: their grant expires GRANT_TTL_MS after it. */
const admittedAt = (person: Person) => person.client.grant!.expiresAt - GRANT_TTL_MS;

/** One event id on each master: ids tried in turn, each placed by CLUSTER KEYSLOT of its hash tag. */
async function eventPerMaster(cluster: RedisCluster, masters: number): Promise<{ id: string; master: RedisServer }[]> {
  const found = new Map<number, { id: string; master: RedisServer }>();
  for (let k = 0; found.size < masters; k++) {
    const id = `ev-${k}`;
    const slot = Number(await redisCommand(cluster.nodes[0]!.port, ['CLUSTER', 'KEYSLOT', eventKeys('wr', id).meta]));
    const master = await cluster.ownerOf(slot);
    if (!found.has(master.port)) found.set(master.port, { id, master });
  }
  return [...found.values()];
}

/** Waits for the grant, then books, again after each retryable refusal (503) or lost answer, until confirmed. */
async function admitAndBook(person: Person, reservationsUrl: string): Promise<void> {
  const admitted = await person.client.waitFor('admitted', () => true, 60_000);
  person.admittedSeenAt = Date.now();
  const body = bookingBody(admitted.grant, person.client.secret);
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
    const reply = await postBooking(reservationsUrl, person.eventId, body, 5000).catch(() => null);
    if (reply) person.statuses.push(reply.status);
    if (reply && reply.status < 300) {
      person.bookedAt = reply.body.booking!.bookedAt;
      person.reference = reply.body.booking!.reference;
      return;
    }
    if (reply && reply.status !== 503) throw new Error(`booking refused: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
}

/** The longest time between two consecutive admissions (store time) within [from, to] (to: at most the event's last admission), and when it began. */
function longestPause(people: Person[], from: number, to: number): { ms: number; from: number } {
  const all = people.map(admittedAt);
  const end = Math.min(to, Math.max(...all));
  const times = [from, ...all.filter((t) => t >= from && t <= end).sort((a, b) => a - b), end];
  return times.slice(1).reduce((longest, t, k) => (t - times[k]! > longest.ms ? { ms: t - times[k]!, from: times[k]! } : longest), { ms: 0, from });
}

// About 60 s on a quiet 2-core machine; the timeout leaves room for one shared with other test runs (load 15+: 90 s).
it('a master killed at peak and never restarted: its event admits and books again within 5 s of the promotion, the others never stop, nothing lost, repeated or oversold', async () => {
  const cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 2000, appendfsync: 'always', requireFullCoverage: false });
  const placed = await eventPerMaster(cluster, 3);
  const events = placed.map(({ id }) => id);
  const [affected, ...healthy] = events as [string, ...string[]];
  const victim = placed[0]!.master;
  const victimReplicas = await cluster.replicasOf(victim);

  const config = await writeClusterConfig({
    events: events.map((id) => testEvent({ id, maxActive: MAX_ACTIVE, admitsPerMinute: ADMITS_PER_MINUTE, grantTtlSeconds: GRANT_TTL_MS / 1000 })),
  });
  const stores = await createRedisStores({ redisUrl: 'redis://unused', clusterNodes: cluster.urls, keyPrefix: config.prefix });
  const watcher = await connectRedisCluster(cluster.urls, () => {}, { startWaitMs: 2000 });
  try {
    for (const id of events) await stores.queue.setPaused(id, true);
    const env = { REDIS_CLUSTER_NODES: cluster.urls.join(',') };
    const reservations = await startNode({ role: 'reservations', name: 'reservations', configFile: config.path, env });
    const gatewayEnv = { ...env, RESERVATIONS_URL: reservations.url };
    const [gateway] = await Promise.all([
      startNode({ role: 'gateway', name: 'gateway', configFile: config.path, env: gatewayEnv, noController: true }),
      startNode({ role: 'controller', name: 'controller', configFile: config.path, env }),
    ]);

    const people: Person[] = await Promise.all(
      Array.from({ length: PER_EVENT * events.length }, async (_, k) => {
        const client = await TestClient.connect(gateway.wsUrl);
        clients.push(client);
        await client.join(events[k % events.length]!);
        return { client, eventId: events[k % events.length]!, statuses: [] };
      }),
    );
    const ofEvent = (id: string) => people.filter((p) => p.eventId === id);

    // The store's active count of each event, sampled throughout (a failed read during the outage is skipped).
    const activeSeen = new Map(events.map((id) => [id, 0]));
    let sampling = true;
    const sampler = (async () => {
      for (; sampling; await sleep(20)) {
        for (const id of events) {
          const [active] = await watcher.hmGet(eventKeys(config.prefix, id).meta, ['active']).catch(() => [null]);
          activeSeen.set(id, Math.max(activeSeen.get(id)!, Number(active ?? 0)));
        }
      }
    })();

    const openedAt = Date.now();
    for (const id of events) await stores.queue.setPaused(id, false);
    const booking = Promise.all(people.map((person) => admitAndBook(person, reservations.url)));
    while (ofEvent(affected).filter((p) => p.bookedAt).length < KILL_AFTER_BOOKED) await sleep(10);
    const killedAt = Date.now();
    await victim.kill('SIGKILL');
    const promotion = await cluster.waitForPromotion(victimReplicas, 15_000);
    const outage = killedAt + IN_FLIGHT_MS;
    for (const deadline = promotion.at + RESUME_WITHIN_MS; !ofEvent(affected).some((p) => p.bookedAt && p.bookedAt > outage); await sleep(50)) {
      if (Date.now() > deadline)
        throw new Error(`${affected} booked nothing within ${RESUME_WITHIN_MS} ms of the promotion (its master ${victim.url} still dead)`);
    }
    await booking;
    sampling = false;
    await sampler;
    expect(victim.running).toBe(false);

    // Each role served the affected event again soon after the promotion: the controller admitted (store time),
    // the gateway delivered that admission, the reservation handler confirmed a booking.
    const after = ofEvent(affected);
    const firstAdmission = Math.min(...after.map(admittedAt).filter((t) => t > outage));
    const firstDelivery = Math.min(...after.filter((p) => admittedAt(p) > outage).map((p) => p.admittedSeenAt!));
    const firstBooking = Math.min(...after.map((p) => p.bookedAt!).filter((t) => t > outage));
    const since = (t: number) => t - promotion.at;
    const pauses = healthy.map((id) => longestPause(ofEvent(id), killedAt, promotion.at + RESUME_WITHIN_MS));
    const pausesBefore = healthy.map((id) => longestPause(ofEvent(id), openedAt + 1000, killedAt).ms);
    console.log(
      `[measure] failover: promoted ${promotion.at - killedAt} ms after the kill; after the promotion, first admission ${since(firstAdmission)} ms, ` +
        `delivered ${since(firstDelivery)} ms, first booking ${since(firstBooking)} ms; longest pause of the healthy events ` +
        `${pauses.map((p) => `${p.ms} ms from kill+${p.from - killedAt}`).join(', ')} (before the kill ${pausesBefore.join('/')} ms); ` +
        `503s on the affected event ${after.flatMap((p) => p.statuses).filter((s) => s === 503).length}; max active ${[...activeSeen.values()].join('/')}`,
    );
    for (const t of [firstAdmission, firstDelivery, firstBooking]) expect(since(t)).toBeLessThanOrEqual(RESUME_WITHIN_MS);
    // The healthy events admitted while the affected one was down, and never paused for long: under 2 s beyond the
    // longest pause the loaded machine made before the kill (106-209 ms when it is quiet; seconds when it is not).
    for (const id of healthy) expect(ofEvent(id).filter((p) => admittedAt(p) > outage && admittedAt(p) < promotion.at).length).toBeGreaterThan(10);
    pauses.forEach((pause, k) => expect(pause.ms).toBeLessThan(HEALTHY_PAUSE_MS + pausesBefore[k]!));

    // Nothing lost, repeated or oversold; admitted in ticket order within maxActive.
    expect(people.filter((p) => !p.reference).length).toBe(0);
    expect(new Set(people.map((p) => p.reference)).size).toBe(people.length);
    for (const id of events) {
      const mine = ofEvent(id).sort((a, b) => a.client.ticketNo - b.client.ticketNo);
      expect(mine.map((p) => p.client.ticketNo)).toEqual(Array.from({ length: PER_EVENT }, (_, k) => k + 1));
      expect(mine.map(admittedAt)).toEqual(mine.map(admittedAt).sort((a, b) => a - b));
      expect(await stores.bookings.bookingCount(id)).toBe(PER_EVENT);
      expect(activeSeen.get(id)!).toBeLessThanOrEqual(MAX_ACTIVE);
    }

    // Started now (together, to save time): with the dead node first in their seed list, a reservation handler and a
    // gateway serve the affected event at once; with only the dead node, a gateway listens but is not ready.
    const deadFirst = { REDIS_CLUSTER_NODES: [victim.url, ...cluster.urls.filter((url) => url !== victim.url)].join(',') };
    const [lateReservations, late, alone] = await Promise.all([
      startNode({ role: 'reservations', name: 'reservations-late', configFile: config.path, env: deadFirst }),
      startNode({ role: 'gateway', name: 'gateway-late', configFile: config.path, env: { ...gatewayEnv, ...deadFirst }, noController: true }),
      startNode({
        role: 'gateway',
        name: 'gateway-alone',
        configFile: config.path,
        env: { ...gatewayEnv, REDIS_CLUSTER_NODES: victim.url },
        noController: true,
        readyPath: '/livez',
      }),
    ]);
    const newcomer: Person = { client: await TestClient.connect(late.wsUrl), eventId: affected, statuses: [] };
    clients.push(newcomer.client);
    await newcomer.client.join(affected);
    // Numbers jump past any the old master may have issued unreplicated (decision 004's restart gap).
    expect(newcomer.client.ticketNo).toBeGreaterThan(PER_EVENT);
    await admitAndBook(newcomer, lateReservations.url);
    expect(newcomer.reference).toBeDefined();

    // The one with only the dead node to ask connects once that node answers again.
    expect((await fetch(`${alone.url}/readyz`)).status).toBe(503);
    await victim.restart();
    const lastOne = await TestClient.connect(alone.wsUrl);
    clients.push(lastOne);
    for (const deadline = Date.now() + 10_000; (await fetch(`${alone.url}/readyz`)).status !== 200; await sleep(100)) {
      if (Date.now() > deadline) throw new Error(`gateway-alone never became ready:\n${alone.output()}`);
    }
    await lastOne.join(affected);
    expect(lastOne.ticketNo).toBeGreaterThan(newcomer.client.ticketNo);
  } finally {
    await watcher.close();
    await stores.close();
  }
}, 150_000);
