/**
 * Health per event on a real 3-master Redis Cluster (loopback, started here,
 * `cluster-require-full-coverage no` as docs/operations.md recommends), a
 * gateway (with its controller) and a reservation handler as real processes,
 * three events on three masters. The master of one event dies and stays dead;
 * it also holds every deployment-wide key (live events, presence, audit).
 * Only that event degrades: its waiters get reconnecting ticks, its joins and
 * bookings the retryable STORE_UNAVAILABLE; the other two keep ticking,
 * admitting and booking, both processes stay live and ready, and the metrics
 * name the event and the shard (decision 026).
 */
import { afterAll, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/protocol/messages.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { ConsoleApi, PASSWORDS, testOperators } from '../integration/console-api.js';
import { configSetAll, deploymentKeys, editConfig, eventIdsOn, keyOwners, prefixWithDeploymentKeysTogether, signInShard } from '../support/cluster-layout.js';
import { cleanUpProcesses, startNode, writeClusterConfig, type ServingNode } from '../support/processes.js';
import { redisCommand, startRedisCluster, stopRedisServers, type RedisCluster } from '../support/redis-server.js';
import { testEvent } from '../support/system.js';
import { refusalOf, TestClient } from '../support/ws-client.js';

const clients: TestClient[] = [];
afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.drop()));
  await cleanUpProcesses(2000);
  await stopRedisServers();
});

async function connect(node: ServingNode): Promise<TestClient> {
  const client = await TestClient.connect(node.wsUrl);
  clients.push(client);
  return client;
}

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

/** The value of `name{label="value"}` in a /metrics text; undefined when there is no such series. */
function sample(metrics: string, name: string, label: string, value: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`${label}="${value}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const NODE_TIMEOUT_MS = 2000;

type Tick = Extract<ServerMessage, { type: 'tick' }>;

/** A tick of `eventId` received after this call that passes `test`. */
function nextTick(client: TestClient, eventId: string, test: (tick: Tick) => boolean = () => true, timeoutMs = 5000): Promise<Tick> {
  return client.waitFor('tick', (tick) => tick.e === eventId && test(tick), timeoutMs, false);
}

/** A client joins `eventId`, is admitted and books: the whole path of one person through a live event. */
async function joinAdmitBook(gateway: ServingNode, reservations: ServingNode, eventId: string): Promise<number> {
  const client = await connect(gateway);
  await client.join(eventId);
  const { grant } = await client.waitFor('admitted', () => true, 10_000);
  return (await postBooking(reservations.url, eventId, bookingBody(grant, client.secret))).status;
}

it('a dead master degrades only its event: the others tick, admit and book, /readyz and /livez stay 200, the metrics name the event and shard', async () => {
  const cluster = await startRedisCluster(3);
  await configSetAll(cluster, 'cluster-require-full-coverage', 'no');
  const owner = await keyOwners(cluster);
  const config = await writeClusterConfig({ tickMs: 100 });
  const operators = await testOperators();
  // The dead master holds one event and every deployment-wide key; the other two events live on the two others.
  // (Not the sign-in throttle's master: sign-in fails closed while it is away, decision 011; the console is used below.)
  const { prefix, master: doomed } = prefixWithDeploymentKeysTogether(owner, config.prefix, signInShard(owner));
  const healthyMasters = cluster.nodes.map((node) => `127.0.0.1:${node.port}`).filter((master) => master !== doomed);
  const [down, up1, up2] = eventIdsOn(owner, [doomed, ...healthyMasters], 'ev');
  const healthy = [up1!, up2!];
  // maxActive 1: a second waiter of the doomed event stays waiting behind the first, who holds a grant.
  await editConfig(config.path, (c) => {
    c.store!.keyPrefix = prefix;
    c.operators = operators as unknown as Record<string, unknown>;
    c.events = [down!, ...healthy].map((id) => testEvent({ id, maxActive: 1 })) as unknown as Record<string, unknown>;
    c.controller = { ...c.controller, nodeTimeoutMs: NODE_TIMEOUT_MS };
  });
  expect(deploymentKeys(prefix).map(owner)).toEqual([doomed, doomed, doomed]);

  const env = { REDIS_CLUSTER_NODES: cluster.urls.join(',') };
  const reservations = await startNode({ role: 'reservations', name: 'reservations', configFile: config.path, env });
  const gatewayEnv = { ...env, RESERVATIONS_URL: reservations.url };
  const gateway = await startNode({ role: 'gateway', name: 'gateway', configFile: config.path, env: gatewayEnv });
  // A second gateway, killed with the master: its waiter of a healthy event must be reaped while the shard is away.
  const doomedGateway = await startNode({ role: 'gateway', name: 'doomed-gateway', configFile: config.path, env: gatewayEnv, noController: true });

  // Before the kill, on every event: one person admitted and holding a grant, one waiting behind (maxActive 1), ticks fresh.
  const people = new Map<string, { holder: TestClient; grant: string; waiter: TestClient }>();
  for (const id of [down!, ...healthy]) {
    const holder = await connect(gateway);
    await holder.join(id);
    const { grant } = await holder.waitFor('admitted', () => true, 10_000);
    if (id === healthy[0]) await (await connect(doomedGateway)).join(id);
    const waiter = await connect(gateway);
    await waiter.join(id);
    await nextTick(waiter, id, (tick) => tick.d !== true);
    people.set(id, { holder, grant, waiter });
  }

  await cluster.nodes.find((node) => `127.0.0.1:${node.port}` === doomed)!.kill('SIGKILL');
  const killedAt = Date.now();
  doomedGateway.kill('SIGKILL');
  await doomedGateway.exited;

  // The dead event's waiters are told: reconnecting ticks (d), their place kept.
  const lost = people.get(down!)!;
  const degraded = await nextTick(lost.waiter, down!, (tick) => tick.d === true);
  expect(degraded.c).toBeLessThan(lost.waiter.ticketNo);
  // Its joins and bookings get the retryable refusal; nothing of it is served.
  const joiner = await connect(gateway);
  expect((await refusalOf(joiner.join(down!))).code).toBe('STORE_UNAVAILABLE');
  expect(joiner.messages.find((m) => m.type === 'error')).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
  const booking = await postBooking(reservations.url, down!, bookingBody(lost.grant, lost.holder.secret));
  expect(booking.status).toBe(503);
  expect(booking.body.error?.code).toBe('STORE_UNAVAILABLE');

  // The others keep ticking (fresh ticks), admitting and booking: the grant held, the waiter behind it, a newcomer.
  // In healthy[0] the dead gateway's waiter stands between them: once its heartbeat is older than nodeTimeoutMs the
  // controller turns it away, so its turn passes (before the controller reaped per event, one event's failing
  // steps kept it from reaping anywhere, and the dead gateway's waiter took the one place for its grant's life).
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, killedAt + NODE_TIMEOUT_MS + 1000 - Date.now())));
  for (const id of healthy) {
    const { holder, grant, waiter } = people.get(id)!;
    expect((await nextTick(waiter, id)).d, `${id} ticks`).toBeUndefined();
    expect((await postBooking(reservations.url, id, bookingBody(grant, holder.secret))).status).toBe(201);
    const { grant: next } = await waiter.waitFor('admitted', () => true, 10_000);
    expect((await postBooking(reservations.url, id, bookingBody(next, waiter.secret))).status).toBe(201);
    expect(await joinAdmitBook(gateway, reservations, id)).toBe(201);
  }
  expect((await nextTick(lost.waiter, down!)).d).toBe(true);

  // The console: every event's row (the dead one flagged), the charts of a healthy event, and an action on one;
  // only what needs the dead master is unavailable: the nodes' reports and the audit trail.
  const console_ = new ConsoleApi(gateway.url);
  const overview = await console_.call('GET', '/admin/overview', { basic: ['ana', PASSWORDS.ana] });
  expect(overview.status).toBe(200);
  const rows = new Map((overview.body.events as { id: string; storeReachable: boolean; admittedTotal: number }[]).map((row) => [row.id, row]));
  expect(rows.get(down!)).toMatchObject({ storeReachable: false, admittedTotal: 1 });
  for (const id of healthy) expect(rows.get(id)).toMatchObject({ storeReachable: true });
  expect(overview.body.nodesReachable).toBe(false);
  for (const id of healthy) expect((await console_.call('GET', `/admin/history?event=${id}`, { basic: ['ana', PASSWORDS.ana] })).status).toBe(200);
  expect((await console_.call('POST', `/admin/events/${healthy[0]}/notice`, { basic: ['ana', PASSWORDS.ana], body: { text: 'still here' } })).status).toBe(200);
  expect((await console_.call('GET', '/admin/audit', { basic: ['ana', PASSWORDS.ana] })).status).toBe(503);
  // Sign-ins go on: a session whose key would sit on the dead master is stored under a fresh id instead.
  const signIns: number[] = [];
  for (let k = 0; k < 10; k++) signIns.push((await new ConsoleApi(gateway.url).signIn('ana')).status);
  expect(signIns.join(' ')).toBe(signIns.map(() => 200).join(' '));

  const servedEarly = Date.now() - killedAt;
  await probesAndMetricsSay({ gateway, reservations, down: down!, healthy, doomed, healthyMasters });

  // Once the survivors agree the master failed (cluster-node-timeout), the healthy events still serve: with
  // cluster-require-full-coverage yes (Redis's default) every command would be refused CLUSTERDOWN from here on.
  await untilClusterSees(cluster, doomed, 'fail');
  for (const id of healthy) expect(await joinAdmitBook(gateway, reservations, id), `${id} after the cluster marked the master failed`).toBe(201);
  await probesAndMetricsSay({ gateway, reservations, down: down!, healthy, doomed, healthyMasters });
  // The dead event's failures, and the shared events' follow, are logged throttled, not at every tick (10 a second).
  const lines = (text: string) =>
    gateway
      .output()
      .split('\n')
      .filter((line) => line.includes(text)).length;
  expect(lines('tick failed'), gateway.output()).toBeLessThanOrEqual(2);
  expect(lines('admission step failed')).toBeLessThanOrEqual(2);
  expect(lines('could not check the shared events')).toBeLessThanOrEqual(1);
  console.log(
    `[measure] health per event: ${down} degraded and ${healthy.join(', ')} served within ${servedEarly} ms of killing ${doomed}, and still after the cluster marked it failed (${Date.now() - killedAt} ms)`,
  );
}, 90_000);

interface Outage {
  gateway: ServingNode;
  reservations: ServingNode;
  down: string;
  healthy: string[];
  doomed: string;
  healthyMasters: string[];
}

async function probesAndMetricsSay({ gateway, reservations, down, healthy, doomed, healthyMasters }: Outage): Promise<void> {
  // Both processes stay live and ready, on the new probes and the deprecated /healthz alike.
  for (const node of [gateway, reservations])
    for (const path of ['/livez', '/readyz', '/healthz']) expect(await status(`${node.url}${path}`), `${node.name} ${path}`).toBe(200);

  // The metrics say which event and which shard.
  for (const node of [gateway, reservations]) {
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    expect(sample(metrics, 'waitroom_event_store_up', 'event', down), node.name).toBe(0);
    for (const id of healthy) expect(sample(metrics, 'waitroom_event_store_up', 'event', id), node.name).toBe(1);
    expect(sample(metrics, 'waitroom_redis_shard_up', 'shard', doomed), node.name).toBe(0);
    for (const master of healthyMasters) expect(sample(metrics, 'waitroom_redis_shard_up', 'shard', master), node.name).toBe(1);
  }
}

/** Resolves once every other node's CLUSTER NODES flags `master` (host:port) with `flag` (e.g. fail). */
async function untilClusterSees(cluster: RedisCluster, master: string, flag: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const node of cluster.nodes.filter((n) => `127.0.0.1:${n.port}` !== master)) {
    while (
      !(await redisCommand(node.port, ['CLUSTER', 'NODES'])).split('\n').some((line) => line.includes(master) && line.split(' ')[2]!.split(',').includes(flag))
    ) {
      if (Date.now() > deadline) throw new Error(`${node.url} did not flag ${master} ${flag} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
