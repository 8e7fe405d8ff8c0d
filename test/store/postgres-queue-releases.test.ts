/**
 * The queue side of PostgreSQL bookings after a crash between COMMIT and the
 * release (a real server, a database of its own, a memory queue): the
 * committed transaction's rows are written directly, as the crashed process
 * left them, and the store's sweep applies the release exactly once.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import pg from 'pg';
import { bookingFingerprint } from '../../server/store/booking-fingerprint.js';
import { createMemoryStores } from '../../server/store/memory/index.js';
import { createPool, openPostgresBookings } from '../../server/store/postgres/index.js';
import { migrate } from '../../server/store/postgres/migrations.js';
import type { QueueStore } from '../../server/store/types.js';
import { admitStep } from '../support/admit-step.js';
import { bookingRequest } from '../support/booking-request.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const E = 'ev-releases';
const T0 = Date.UTC(2026, 10, 24, 11, 0, 0);
const NODE = 101;

let database: TestDatabase;
let pool: pg.Pool;
let queue: QueueStore;
beforeEach(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  await migrate(pool);
  queue = createMemoryStores().queue;
  await queue.joinBatch(E, 2, T0, NODE, 0);
  expect(await queue.admit(E, admitStep(T0))).toMatchObject({ active: 2 });
});
afterEach(async () => {
  await pool.end();
  await database.drop();
});

/** What a commit of ticket 2's booking wrote before its process died, its queue release not applied. */
async function crashedCommit(): Promise<void> {
  const r = bookingRequest(E, 2, T0);
  await pool.query('INSERT INTO used_grants VALUES ($1, $2, $3, $4)', [E, r.grantId, r.reference, bookingFingerprint(r.personKey, r.centerId, r.slotId)]);
  await pool.query('INSERT INTO bookings (event_id, reference, person_key, record) VALUES ($1, $2, $3, $4)', [
    E,
    r.reference,
    r.personKey,
    JSON.stringify(r.record),
  ]);
  await pool.query('INSERT INTO slot_units VALUES ($1, $2, 1)', [E, 'c1/s1']);
  await pool.query('INSERT INTO queue_releases (event_id, ticket_no, grant_id) VALUES ($1, $2, $3)', [E, 2, r.grantId]);
}

const outbox = async () => Number((await pool.query('SELECT count(*) AS n FROM queue_releases')).rows[0].n);

it('a commit releases its ticket in the queue and leaves no outbox row', async () => {
  const store = await openPostgresBookings(database.url, queue);
  expect(await store.bookings.commit(bookingRequest(E, 1, T0))).toMatchObject({ kind: 'booked' });
  await store.close();
  expect((await queue.figures(E, T0, NODE)).active).toBe(1);
  expect(await outbox()).toBe(0);
});

it('the sweep at opening applies a release a crash left behind, and a second sweep frees nothing more', async () => {
  await crashedCommit();
  expect((await queue.figures(E, T0, NODE)).active).toBe(2);
  const store = await openPostgresBookings(database.url, queue);
  await store.close(); // waits for the opening's sweep
  expect((await queue.figures(E, T0, NODE)).active).toBe(1);
  expect(await queue.reconnect(E, 2, T0, NODE)).toEqual({ kind: 'used' });
  expect(await queue.reconnect(E, 1, T0, NODE)).toMatchObject({ kind: 'admitted' });
  expect(await outbox()).toBe(0);

  // Applied again (as by a second process that read the row before the first deleted it): nothing freed twice.
  expect(await queue.releaseBooked(E, 2)).toBe(false);
  await pool.query('INSERT INTO queue_releases (event_id, ticket_no, grant_id) VALUES ($1, 2, $2)', [E, 'grant-2']);
  await (await openPostgresBookings(database.url, queue)).close();
  expect((await queue.figures(E, T0, NODE)).active).toBe(1);
  expect(await outbox()).toBe(0);
});

/** The memory queue, with releases failing while `down` (a queue outage after COMMIT). */
function queueWithOutage(real: QueueStore): { queue: QueueStore; setDown(down: boolean): void } {
  let down = false;
  const queue = Object.create(real) as QueueStore;
  queue.releaseBooked = (eventId, ticketNo) => (down ? Promise.reject(new Error('queue store unreachable')) : real.releaseBooked(eventId, ticketNo));
  return { queue, setDown: (value) => void (down = value) };
}

it('a release that fails after COMMIT and a sweep that fails are logged; the booking stands and a later sweep frees the place', async () => {
  const outage = queueWithOutage(queue);
  const warnings: string[] = [];
  outage.setDown(true);
  const store = await openPostgresBookings(database.url, outage.queue, {
    warn: (fields, message) => warnings.push(`${message} ${String(fields.ticketNo ?? '')}`),
  });
  expect(await store.bookings.commit(bookingRequest(E, 1, T0))).toMatchObject({ kind: 'booked' });
  expect(await store.bookings.bookingCount(E)).toBe(1);
  expect(await outbox()).toBe(1);
  await store.close();
  await (await openPostgresBookings(database.url, outage.queue, { warn: (_, message) => warnings.push(message) })).close(); // its opening's sweep runs into the outage
  expect(warnings.join('\n')).toMatch(/queue release failed after a booking committed.* 1$/m);
  expect(warnings.join('\n')).toMatch(/booking store sweep failed/);
  expect((await queue.figures(E, T0, NODE)).active).toBe(2);

  outage.setDown(false);
  await (await openPostgresBookings(database.url, outage.queue)).close();
  expect((await queue.figures(E, T0, NODE)).active).toBe(1);
  expect(await outbox()).toBe(0);
});
