/**
 * Crash safety of PostgreSQL bookings (issue 15): a real gateway (with its
 * admission controller) and a real reservation handler as child processes,
 * the queue on a private redis-server (appendonly, appendfsync always), the
 * bookings on a private PostgreSQL cluster (fsync and synchronous_commit on).
 * A storm of bookers, three for every unit on sale, books while
 *
 *  1. the reservation handler is SIGKILLed and started again, and
 *  2. PostgreSQL is stopped in immediate mode (no checkpoint: crash recovery
 *     from the WAL at the next start) and started again;
 *
 * each client retries its identical request while it has no definite answer.
 * Afterwards every booking confirmed to a client is in the database and the
 * database holds no other; no slot is oversold and its count matches its
 * bookings; no person booked twice; the active count in Redis, sampled every
 * few ms, never exceeded maxActive; the queue_releases outbox is empty within
 * a sweep interval; every booked ticket is used with its active place freed,
 * and no ticket is used without a booking (docs/decisions/017).
 */
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate } from '../../server/store/postgres/migrations.js';
import { eventKeys } from '../../server/store/redis/keys.js';
import { ActiveSampler, emptyTally, runStorm, type StormTally } from '../support/booking-storm.js';
import { pollUntil, sleep } from '../support/cluster-flow.js';
import { startPrivatePostgres, destroyPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';
import { cleanUpProcesses, startNode, writeClusterConfig, type ClusterConfig, type ServingNode } from '../support/processes.js';
import { startRedisServer, stopRedisServers, type RedisServer } from '../support/redis-server.js';
import { testEvent } from '../support/system.js';

const SLOT_IDS = ['s1', 's2', 's3'];
const CAPACITY = 8;
const UNITS = SLOT_IDS.length * CAPACITY;
const BOOKERS = 3 * UNITS;
const MAX_ACTIVE = 20;
/** 20 a second: the storm lasts a few seconds, long enough to crash something in the middle of it. */
const ADMITS_PER_MINUTE = 1200;
/** Confirmed bookings before the crash: well into the storm, well before its end. */
const CRASH_AFTER = 6;
/** PostgresBookings' SWEEP_INTERVAL_MS, and a margin for a loaded machine. */
const SWEEP_WAIT_MS = 5000 + 5000;
const STORM_MS = 40_000;

let redis: RedisServer;
let postgres: PrivatePostgres;
let db: pg.Pool;
let queue: ReturnType<typeof createClient>;
let config: ClusterConfig;
let gateway: ServingNode;
let handler: ServingNode;
let handlerEnv: NodeJS.ProcessEnv;

function crashEvent(id: string) {
  return testEvent({
    id,
    maxActive: MAX_ACTIVE,
    admitsPerMinute: ADMITS_PER_MINUTE,
    centers: [{ id: 'c1', name: 'Center one', slots: SLOT_IDS.map((slotId) => ({ id: slotId, label: slotId, capacity: CAPACITY })) }],
  });
}

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedisServer({ appendonly: true, appendfsync: 'always' }), startPrivatePostgres()]);
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('CREATE DATABASE waitroom');
  await admin.end();
  db = new pg.Pool({ connectionString: postgres.urlOf('waitroom'), max: 2 });
  db.on('error', () => {}); // its idle connections die with each immediate stop
  await migrate(db);
  queue = createClient({ url: redis.url });
  queue.on('error', () => {});
  await queue.connect();
  config = await writeClusterConfig({ tickMs: 50, events: [crashEvent('crash-handler'), crashEvent('crash-postgres')] });
  // The queue's Redis is durable (the guard of decision 012 does not apply to PostgreSQL bookings; nothing is overridden).
  const env = { REDIS_URL: redis.url, WAITROOM_ALLOW_UNSAFE_DURABILITY: '0' };
  handlerEnv = { ...env, BOOKINGS_URL: postgres.urlOf('waitroom') };
  [gateway, handler] = await Promise.all([
    startNode({ role: 'gateway', name: 'crash-gateway', configFile: config.path, env }),
    startNode({ role: 'reservations', name: 'crash-reservations', configFile: config.path, env: handlerEnv }),
  ]);
}, 60_000);

afterAll(async () => {
  await queue?.quit().catch(() => {});
  await db?.end().catch(() => {});
  await cleanUpProcesses(2000);
  await Promise.all([stopRedisServers(), destroyPrivatePostgres()]);
});

/** Runs the storm on `eventId`, calling `crash` once CRASH_AFTER bookings are confirmed; samples the active count throughout. */
async function stormWith(
  eventId: string,
  crash: () => Promise<void>,
): Promise<{ tally: StormTally; maxActive: { set: number; counter: number; samples: number } }> {
  const sampler = await ActiveSampler.start(redis.url, config.prefix, eventId);
  const tally = emptyTally();
  const startedAt = Date.now();
  try {
    const storm = runStorm(
      {
        wsUrl: gateway.wsUrl,
        reservationsUrl: () => handler.url,
        eventId,
        slotIds: SLOT_IDS,
        bookers: BOOKERS,
        personOf: (k) => `Person ${k - (k % 6 === 5 ? 1 : 0)}`, // every sixth booker is the person before it again
        thinkMs: () => 50 + Math.random() * 250,
        deadline: startedAt + STORM_MS,
      },
      tally,
    );
    const crashed = pollUntil(() => tally.confirmed.length >= CRASH_AFTER, STORM_MS, `${CRASH_AFTER} confirmed bookings`, 5).then(crash);
    await Promise.all([storm, crashed]);
  } finally {
    await sampler.stop();
  }
  const maxActive = { set: sampler.maxSet, counter: sampler.maxCounter, samples: sampler.samples };
  console.log(
    `[measure] ${eventId}: storm of ${BOOKERS} bookers for ${UNITS} units took ${Date.now() - startedAt} ms; confirmed ${tally.confirmed.length} ` +
      `(${tally.confirmed.filter((c) => c.status === 200).length} of them as repeated), unanswered ${tally.unanswered}, 503 ${tally.unavailable}, ` +
      `retries ${tally.retries} answered ${JSON.stringify(tally.afterRetry)}, slot full ${tally.slotFull}, already booked ${tally.alreadyBooked}, ` +
      `left unbooked ${tally.leftUnbooked}; active max ${maxActive.set} (counter ${maxActive.counter}) over ${maxActive.samples} samples`,
  );
  return { tally, maxActive };
}

/** Everything the database and the queue hold for `eventId`, held to what the clients were told. */
async function expectConsistent(eventId: string, tally: StormTally, maxActive: { set: number; counter: number }): Promise<void> {
  expect(tally.unexpected).toEqual([]);
  expect(maxActive.set).toBeLessThanOrEqual(MAX_ACTIVE);
  expect(maxActive.counter).toBeLessThanOrEqual(MAX_ACTIVE);

  // The outbox empties within a sweep interval.
  const outbox = async () => Number((await db.query('SELECT count(*) AS n FROM queue_releases WHERE event_id = $1', [eventId])).rows[0].n);
  const leftAfterStorm = await outbox();
  const sweepStart = Date.now();
  await pollUntil(async () => (await outbox()) === 0, SWEEP_WAIT_MS, 'empty queue_releases', 100);
  console.log(`[measure] ${eventId}: ${leftAfterStorm} queue_releases rows after the storm, all applied ${Date.now() - sweepStart} ms later`);

  // The database holds exactly the confirmed bookings.
  const { rows } = await db.query<{ reference: string; person_key: string; record: { ticketNo: number; slotId: string; name: string } }>(
    'SELECT reference, person_key, record FROM bookings WHERE event_id = $1',
    [eventId],
  );
  const stored = rows.map((r) => `${r.record.ticketNo} ${r.reference} ${r.record.slotId} ${r.record.name}`).sort();
  const confirmed = tally.confirmed.map((c) => `${c.ticketNo} ${c.reference} ${c.slotId} ${c.person}`).sort();
  expect(stored).toEqual(confirmed);
  expect(rows.length).toBe(UNITS); // every unit sold: each booker tried every slot until it had a definite answer

  // Nobody twice: by the person key and by the typed person.
  expect(new Set(rows.map((r) => r.person_key)).size).toBe(rows.length);
  expect(new Set(rows.map((r) => r.record.name)).size).toBe(rows.length);

  // No slot oversold, and each count is its bookings.
  const taken = await db.query<{ slot_key: string; taken: number }>('SELECT slot_key, taken FROM slot_units WHERE event_id = $1', [eventId]);
  const perSlot = (slotId: string) => rows.filter((r) => r.record.slotId === slotId).length;
  expect(Object.fromEntries(taken.rows.map((r) => [r.slot_key, r.taken]))).toEqual(Object.fromEntries(SLOT_IDS.map((s) => [`c1/${s}`, perSlot(s)])));
  for (const row of taken.rows) expect(row.taken).toBeLessThanOrEqual(CAPACITY);

  // The queue: booked tickets used with their places freed, no ticket used without a booking, nobody left holding a place.
  const keys = eventKeys(config.prefix, eventId);
  const statuses = await queue.hGetAll(keys.status);
  const used = Object.keys(statuses)
    .filter((ticket) => statuses[ticket] === 'u')
    .map(Number)
    .sort((a, b) => a - b);
  expect(used).toEqual(rows.map((r) => r.record.ticketNo).sort((a, b) => a - b));
  expect(await queue.zCard(keys.active)).toBe(0);
  expect(Number(await queue.hGet(keys.meta, 'active'))).toBe(0);
}

it('kill -9 of the reservation handler in the middle of a storm: nothing confirmed is lost, nothing oversold, maxActive kept', async () => {
  let downMs = 0;
  const { tally, maxActive } = await stormWith('crash-handler', async () => {
    const killedAt = Date.now();
    expect(handler.kill('SIGKILL')).toBe(true);
    expect(await handler.exited).toBe('SIGKILL');
    handler = await startNode({ role: 'reservations', name: 'crash-reservations-2', configFile: config.path, env: handlerEnv, port: handler.port });
    downMs = Date.now() - killedAt;
  });
  console.log(`[measure] crash-handler: the handler was down ${downMs} ms (SIGKILL to healthy again)`);
  expect(tally.unanswered).toBeGreaterThan(0);
  await expectConsistent('crash-handler', tally, maxActive);
}, 60_000);

it('an immediate shutdown of PostgreSQL in the middle of a storm: 503 meanwhile, then served; nothing confirmed is lost', async () => {
  let healthWhileDown = 0;
  let downMs = 0;
  const { tally, maxActive } = await stormWith('crash-postgres', async () => {
    const stoppedAt = Date.now();
    await postgres.stopImmediate();
    healthWhileDown = (await fetch(`${handler.url}/healthz`)).status;
    await sleep(1500);
    await postgres.start();
    downMs = Date.now() - stoppedAt;
  });
  console.log(`[measure] crash-postgres: PostgreSQL was down ${downMs} ms (immediate stop to accepting connections after recovery)`);
  expect(healthWhileDown).toBe(503);
  expect(tally.unavailable).toBeGreaterThan(0);
  expect(await postgres.serverLog()).toMatch(/database system was not properly shut down; automatic recovery in progress/);
  await expectConsistent('crash-postgres', tally, maxActive);
}, 60_000);
