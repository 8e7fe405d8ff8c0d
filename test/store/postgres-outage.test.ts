/**
 * The PostgreSQL booking store through an outage of its database (a real
 * server, a database of its own): while it refuses connections a commit
 * fails with an error, never with an outcome, and books nothing; once it
 * accepts them again the store books without being reopened.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createMemoryStores } from '../../server/store/memory/index.js';
import { createPool, openPostgresBookings, type PostgresBookings } from '../../server/store/postgres/index.js';
import { migrate } from '../../server/store/postgres/migrations.js';
import { bookingRequest } from '../support/booking-request.js';
import { createTestDatabase, onServer, type TestDatabase } from '../support/postgres.js';

const E = 'ev-outage';
const T0 = Date.UTC(2026, 10, 24, 11, 0, 0);

let database: TestDatabase;
let store: PostgresBookings;
beforeEach(async () => {
  database = await createTestDatabase();
  const pool = createPool(database.url);
  await migrate(pool).finally(() => pool.end());
  store = await openPostgresBookings(database.url, createMemoryStores().queue);
});
afterEach(async () => {
  await store.close();
  await database.drop();
});

/** Ends every connection to the test database; `open` false also refuses new ones until it is opened again. */
async function cutConnections(open: boolean): Promise<void> {
  await onServer(async (admin) => {
    await admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS ${open}`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
    // Gone on the server means their last message (the termination) was sent to the pool before this query's answer.
    const remaining = async () => Number((await admin.query('SELECT count(*) FROM pg_stat_activity WHERE datname = $1', [database.name])).rows[0].count);
    while ((await remaining()) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  });
}

it('fails a commit while the database is unreachable, and books again once it is back', async () => {
  expect(await store.bookings.commit(bookingRequest(E, 1, T0))).toMatchObject({ kind: 'booked' });
  await cutConnections(false);
  await expect(store.bookings.commit(bookingRequest(E, 2, T0))).rejects.toThrow();
  expect(await store.ping()).toBe(false);
  await cutConnections(true);
  expect(await store.ping()).toBe(true);
  expect(await store.bookings.commit(bookingRequest(E, 2, T0))).toMatchObject({ kind: 'booked' });
  expect(await store.bookings.bookingCount(E)).toBe(2);
});

it('replaces pooled connections the server ended while idle, without failing the process', async () => {
  await Promise.all([1, 2, 3].map((n) => store.bookings.commit(bookingRequest(E, n, T0))));
  await cutConnections(true);
  expect(await store.bookings.commit(bookingRequest(E, 4, T0))).toMatchObject({ kind: 'booked' });
  expect(await store.bookings.taken(E)).toEqual(new Map([['c1/s1', 4]]));
});
