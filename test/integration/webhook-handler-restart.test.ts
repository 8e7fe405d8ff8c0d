/**
 * Booking webhooks across a crash of the reservation handler: real processes
 * (a gateway with its controller, a reservation handler on PostgreSQL
 * bookings with a webhook configured), real clients admitted over WebSocket,
 * a real receiver on loopback that answers slowly and fails its first
 * attempts. In the middle of a storm of bookings the handler is SIGKILLed
 * (commits and deliveries in flight) and started again on the same port; the
 * bookers retry what got no answer. Every booking in the database, and every
 * one confirmed to a booker, reaches the receiver: once after de-duplication by id.
 */
import { readFile, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createPool } from '../../server/store/postgres/index.js';
import { migrate } from '../../server/store/postgres/migrations.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { pollUntil } from '../support/cluster-flow.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { cleanUpProcesses, freePort, startNode, type ServingNode } from '../support/processes.js';
import { testEvent } from '../support/system.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { TestClient } from '../support/ws-client.js';
import { writeClusterConfig } from '../support/processes.js';

const EVENT = 'ev-hooks';
const BOOKERS = 120;
const KILL_AFTER = 40;
/** Bookings posted at once. */
const CONCURRENCY = 6;
const SECRET = 'restart-webhook-secret-0123456789abcdef';

let database: TestDatabase | null = null;
let pool: pg.Pool | null = null;
let receiver: WebhookReceiver | null = null;
const clients: TestClient[] = [];
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await cleanUpProcesses();
  await receiver?.shut();
  await pool?.end();
  await database?.drop();
}, 30_000);

it(`a reservation handler SIGKILLed mid-storm and restarted loses no webhook of ${BOOKERS} bookings`, { timeout: 90_000 }, async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  await migrate(pool);
  receiver = await WebhookReceiver.start({ secret: SECRET, failFirst: 10, delayMs: 150 });

  const centers = [{ id: 'c1', name: 'Center one', slots: [{ id: 's1', label: '09:00', capacity: BOOKERS }] }];
  const config = await writeClusterConfig({ events: [testEvent({ id: EVENT, maxActive: BOOKERS, centers })] });
  const file = JSON.parse(await readFile(config.path, 'utf8'));
  file.reservations = { webhook: { url: receiver.url, secret: SECRET, timeoutMs: 1000, retryBaseMs: 100, retryMaxMs: 1000, pollMs: 50, batch: 8 } };
  await writeFile(config.path, JSON.stringify(file));

  const port = await freePort();
  const startHandler = (name: string) =>
    startNode({ role: 'reservations', name, configFile: config.path, port, env: { BOOKINGS_URL: database!.url } }) as Promise<ServingNode>;
  let handler = await startHandler('reservations-1');
  const gateway = await startNode({
    role: 'gateway',
    name: 'gateway',
    configFile: config.path,
    env: { RESERVATIONS_URL: handler.url, BOOKINGS_URL: database.url },
  });

  clients.push(...(await Promise.all(Array.from({ length: BOOKERS }, () => TestClient.connect(gateway.wsUrl)))));
  await Promise.all(clients.map((c) => c.join(EVENT)));
  const grants = await Promise.all(clients.map((c) => c.waitFor('admitted', () => true, 30_000)));
  const bodies = grants.map(({ grant }, i) => bookingBody(grant, clients[i]!.secret));

  /** References confirmed to bookers (201 or an idempotent repeat). */
  const confirmed = new Set<string>();
  const unanswered = new Set(bodies.keys());
  let killed = false;
  let pendingAtKill = -1;
  const bookOne = async (i: number) => {
    try {
      const reply = await postBooking(handler.url, EVENT, bodies[i]);
      expect([200, 201]).toContain(reply.status);
      confirmed.add(reply.body.booking!.reference);
      unanswered.delete(i);
    } catch {
      // No answer: the handler died under the request. Retried after the restart.
    }
    if (!killed && confirmed.size >= KILL_AFTER) {
      killed = true;
      expect(handler.kill('SIGKILL')).toBe(true);
      pendingAtKill = Number((await pool!.query('SELECT count(*) AS n FROM webhook_deliveries WHERE delivered_at IS NULL')).rows[0].n);
    }
  };
  const storm = async (indexes: number[]) => {
    const queue = [...indexes];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) await bookOne(i);
      }),
    );
  };

  await storm([...bodies.keys()]);
  expect(killed).toBe(true);
  expect(await handler.exited).toBe('SIGKILL');
  // The kill left deliveries undone (some mid-attempt, leased to the dead process).
  expect(pendingAtKill).toBeGreaterThan(0);
  const receivedAtKill = receiver.received.length;
  expect(unanswered.size).toBeGreaterThan(0);

  handler = await startHandler('reservations-2');
  await storm([...unanswered]);
  expect(unanswered.size).toBe(0);
  expect(confirmed.size).toBe(BOOKERS);

  const inDatabase = new Set((await pool.query<{ id: string }>(`SELECT event_id || '/' || reference AS id FROM bookings`)).rows.map((r) => r.id));
  expect(inDatabase).toEqual(new Set([...confirmed].map((reference) => `${EVENT}/${reference}`)));
  await pollUntil(
    async () => Number((await pool!.query('SELECT count(*) AS n FROM webhook_deliveries WHERE delivered_at IS NULL')).rows[0].n) === 0,
    30_000,
    'every webhook delivered',
    100,
  );
  expect(receiver.deliveredIds()).toEqual(inDatabase);
  expect(receiver.refused).toEqual([]);
  expect(receiver.received.length).toBeGreaterThan(receivedAtKill);
  // The restarted handler's metrics: what it sent, and nothing left pending.
  const metrics = await (await fetch(`${handler.url}/metrics`)).text();
  expect(metrics).toMatch(/^waitroom_webhook_attempts_total\{outcome="delivered",node="reservations-2"\} [1-9]/m);
  expect(metrics).toMatch(/^waitroom_webhook_pending\{node="reservations-2"\} 0$/m);
  // The log: the 500s recorded (those answered to the killed process were not: it died first); every attempt
  // that reached the receiver was counted at its claim, recorded or not.
  const failures = Number((await pool.query(`SELECT count(*) AS n FROM webhook_attempts WHERE NOT delivered AND error = 'HTTP 500'`)).rows[0].n);
  expect(failures).toBeGreaterThan(0);
  const claimed = Number((await pool.query('SELECT sum(attempts) AS n FROM webhook_deliveries')).rows[0].n);
  expect(claimed).toBeGreaterThanOrEqual(receiver.received.length);
  console.log(
    `webhook restart: ${BOOKERS} bookings, killed after ${KILL_AFTER} confirmed with ${pendingAtKill} undelivered; ` +
      `${receiver.received.length} requests received (${receiver.received.length - BOOKERS} beyond one per booking), ${failures} failed attempts logged`,
  );
});
