/**
 * Booking webhooks from PostgreSQL (server/reservations/webhooks/) to a real
 * receiver on loopback: the receiver answers 500 to the first attempts, then
 * is shut (connections refused) for a few seconds, then comes back. Every
 * committed booking still arrives, signed, exactly once after de-duplication
 * by id; the delivery log holds every attempt with its failure (a 500, a
 * refused connection, a timeout); two deliverers on one database share the
 * rows without sending one twice; stop() finishes what is in flight.
 */
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.js';
import { silentLogger } from '../../server/observability/log.js';
import { WebhookDeliverer, type WebhookSettings } from '../../server/reservations/webhooks/deliverer.js';
import { WebhookOutbox } from '../../server/reservations/webhooks/outbox.js';
import { createMemoryStores } from '../../server/store/memory/index.js';
import { createPool, openPostgresBookings, type PostgresBookings } from '../../server/store/postgres/index.js';
import { migrate } from '../../server/store/postgres/migrations.js';
import { admitStep } from '../support/admit-step.js';
import { bookingRequest } from '../support/booking-request.js';
import { pollUntil } from '../support/cluster-flow.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const E = 'ev-hooks';
const T0 = Date.now();
const SECRET = 'test-webhook-secret-0123456789abcdef';
const BOOKINGS = 30;

let database: TestDatabase;
let pool: pg.Pool;
let store: PostgresBookings;
let receiver: WebhookReceiver | null = null;
const deliverers: WebhookDeliverer[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  await migrate(pool);
  const queue = createMemoryStores().queue;
  await queue.joinBatch(E, BOOKINGS, T0, 1, 0);
  expect(await queue.admit(E, admitStep(T0))).toMatchObject({ active: BOOKINGS });
  store = await openPostgresBookings(database.url, queue);
});
afterEach(async () => {
  await Promise.all(deliverers.splice(0).map((d) => d.stop()));
  await receiver?.shut();
  await store.close();
  await pool.end();
  await database.drop();
});

function startDeliverer(url: string, overrides: Partial<WebhookSettings> = {}): WebhookDeliverer {
  const settings: WebhookSettings = {
    url,
    secret: SECRET,
    timeoutMs: 1000,
    retryBaseMs: 50,
    retryMaxMs: 400,
    giveUpAfterMs: 3_600_000,
    pollMs: 50,
    batch: 10,
    ...overrides,
  };
  const deliverer = new WebhookDeliverer({ outbox: new WebhookOutbox(pool), settings, clock: systemClock, log: silentLogger });
  deliverers.push(deliverer);
  deliverer.start();
  return deliverer;
}

async function commitAll(): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let ticket = 1; ticket <= BOOKINGS; ticket++) {
    const request = bookingRequest(E, ticket, T0, { slotCapacity: BOOKINGS });
    expect(await store.bookings.commit(request)).toMatchObject({ kind: 'booked' });
    ids.add(`${E}/${request.reference}`);
  }
  return ids;
}

const pendingCount = () => new WebhookOutbox(pool).pendingCount();

it('a receiver that fails the first attempts, then is down for a while, still gets every booking once after de-duplication', { timeout: 40_000 }, async () => {
  receiver = await WebhookReceiver.start({ secret: SECRET, failFirst: 15 });
  const booked = await commitAll();
  expect(await pendingCount()).toBe(BOOKINGS);
  startDeliverer(receiver.url);

  // Past the 500s, some are delivered; then the receiver goes away for three seconds.
  await pollUntil(() => receiver!.deliveredIds().size >= 5, 10_000, 'the first deliveries');
  await receiver.shut();
  const downAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const refusedWhileDown = Number(
    (await pool.query(`SELECT count(*) AS n FROM webhook_attempts WHERE NOT delivered AND status_code IS NULL AND attempted_at >= $1`, [new Date(downAt)]))
      .rows[0].n,
  );
  await receiver.open();

  await pollUntil(async () => (await pendingCount()) === 0, 20_000, 'every delivery settled');
  expect(receiver.deliveredIds()).toEqual(booked);
  expect(receiver.refused).toEqual([]);
  for (const r of receiver.received) expect(r.body).toMatchObject({ id: r.id, eventId: E, booking: { reference: r.body.reference } });

  // The delivery log: the 15 answers of 500, the refused connections while down, one success per booking.
  const log = await pool.query<{ status_code: number | null; error: string | null; delivered: boolean; n: string }>(
    `SELECT status_code, CASE WHEN status_code IS NULL THEN 'no answer' ELSE error END AS error, delivered, count(*) AS n
     FROM webhook_attempts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  const byKind = Object.fromEntries(log.rows.map((row) => [`${row.status_code ?? row.error}`, Number(row.n)]));
  expect(byKind['500']).toBe(15);
  expect(byKind['200']).toBe(BOOKINGS);
  expect(byKind['no answer']).toBeGreaterThanOrEqual(refusedWhileDown);
  expect(refusedWhileDown).toBeGreaterThan(0);
  const refusedErrors = await pool.query(`SELECT DISTINCT error FROM webhook_attempts WHERE status_code IS NULL`);
  expect(refusedErrors.rows.map((row) => row.error)).toContain('ECONNREFUSED');
  // Each row's attempts match its log; every delivery is marked delivered.
  const rows = await pool.query(
    `SELECT d.attempts, (SELECT count(*) FROM webhook_attempts a WHERE a.event_id = d.event_id AND a.reference = d.reference)::int AS logged
     FROM webhook_deliveries d WHERE d.delivered_at IS NOT NULL`,
  );
  expect(rows.rows).toHaveLength(BOOKINGS);
  for (const row of rows.rows) expect(row.logged).toBe(row.attempts);
});

it('two deliverers on one database share the deliveries without sending one twice', { timeout: 20_000 }, async () => {
  receiver = await WebhookReceiver.start({ secret: SECRET, delayMs: 50 });
  const booked = await commitAll();
  startDeliverer(receiver.url, { batch: 3 });
  startDeliverer(receiver.url, { batch: 3 });
  await pollUntil(async () => (await pendingCount()) === 0, 15_000, 'every delivery settled');
  expect(receiver.deliveredIds()).toEqual(booked);
  expect(receiver.received).toHaveLength(BOOKINGS);
});

it('a delivery older than giveUpAfterMs is marked failed after its attempt, and no longer tried', { timeout: 20_000 }, async () => {
  receiver = await WebhookReceiver.start({ secret: SECRET, failFirst: 1000 });
  await commitAll();
  await pool.query(`UPDATE bookings SET created_at = now() - interval '2 hours'`);
  startDeliverer(receiver.url, { giveUpAfterMs: 3_600_000 });
  await pollUntil(async () => (await pendingCount()) === 0, 15_000, 'every delivery given up');
  const failed = await pool.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE failed_at IS NOT NULL AND attempts = 1`);
  expect(failed.rows[0].n).toBe(BOOKINGS);
  expect(receiver.received).toHaveLength(BOOKINGS);
});

it('stop() lets the attempts in flight finish and records them, and claims nothing more', { timeout: 20_000 }, async () => {
  receiver = await WebhookReceiver.start({ secret: SECRET, delayMs: 400 });
  await commitAll();
  const deliverer = startDeliverer(receiver.url, { batch: 5 });
  const claimedSoFar = async () => Number((await pool.query('SELECT coalesce(sum(attempts), 0) AS n FROM webhook_deliveries')).rows[0].n);
  await pollUntil(async () => (await claimedSoFar()) > 0, 5000, 'a claim');
  await deliverer.stop();
  const settled = await pool.query<{ claimed: number; delivered: number; logged: number }>(
    `SELECT sum(attempts)::int AS claimed, count(delivered_at)::int AS delivered, (SELECT count(*)::int FROM webhook_attempts) AS logged FROM webhook_deliveries`,
  );
  expect(settled.rows[0]).toEqual({ claimed: 5, delivered: 5, logged: 5 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(receiver.received).toHaveLength(5);
  expect(await pendingCount()).toBe(BOOKINGS - 5);
});

it('a receiver slower than timeoutMs counts as a failed attempt, logged as a timeout, and is tried again', { timeout: 20_000 }, async () => {
  receiver = await WebhookReceiver.start({ secret: SECRET, delayMs: 1500 });
  await commitAll();
  startDeliverer(receiver.url, { timeoutMs: 200, retryBaseMs: 10, retryMaxMs: 20 });
  const timeouts = async () => Number((await pool.query(`SELECT count(*) AS n FROM webhook_attempts WHERE error = 'timeout' AND attempt = 2`)).rows[0].n);
  await pollUntil(async () => (await timeouts()) > 0, 10_000, 'a second attempt that timed out');
  const log = await pool.query(`SELECT DISTINCT status_code, error, delivered, duration_ms < 1000 AS quick FROM webhook_attempts`);
  expect(log.rows).toEqual([{ status_code: null, error: 'timeout', delivered: false, quick: true }]);
});
