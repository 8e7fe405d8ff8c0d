/** Opens the PostgreSQL booking store at `url` (BOOKINGS_URL), after checking the schema is current. */
import pg from 'pg';
import type { Warn } from '../../observability/throttled-warn.js';
import type { QueueStore, Stores } from '../types.js';
import { deleteExpiredAssertions } from './assertion-expiry.js';
import { PostgresBookingStore } from './booking-store.js';
import { assertSchemaCurrent } from './migrations.js';

export interface PostgresBookings {
  bookings: PostgresBookingStore;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Connections a process opens at most; each commit holds one for its transaction. */
const POOL_SIZE = 10;
/** How often the store applies queue releases a crash or a queue outage left behind (PostgresBookingStore.sweep) and deletes expired identity-assertion bindings. */
const SWEEP_INTERVAL_MS = 5000;

export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: 5000 });
  // An idle connection that breaks is replaced at the next query; the query that needs it fails instead.
  pool.on('error', () => {});
  return pool;
}

/**
 * `queue`: the queue store each commit checks and releases its ticket in. Throws SchemaBehindError
 * (./migrations.ts) on a database that lacks a migration; nothing stays open then. Once open, the
 * leftover queue releases are swept, then again every SWEEP_INTERVAL_MS until close; each sweep also
 * deletes expired used_assertions rows (./assertion-expiry.ts), by the clock it is given.
 */
export interface PostgresBookingsOptions {
  /** Told of a queue release or a sweep that failed (throttled by the caller). */
  warn?: Warn;
  /** The process's clock (its Clock's now): the sweep judges the assertions' expiry by it, as claimAssertion's callers do. */
  now?: () => number;
}

export async function openPostgresBookings(
  url: string,
  queue: QueueStore,
  { warn = () => {}, now = Date.now }: PostgresBookingsOptions = {},
): Promise<PostgresBookings> {
  const pool = createPool(url);
  try {
    await assertSchemaCurrent(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const bookings = new PostgresBookingStore(pool, queue, warn);
  // Not awaited: a queue store still connecting does not hold the opening up. A failed sweep (either
  // store unreachable) is logged and retried by the next; one runs at a time.
  const sweep = () =>
    bookings
      .sweep()
      .then(() => deleteExpiredAssertions(pool, now()))
      .catch((error: Error) => warn({ err: error }, 'booking store sweep failed: booked tickets keep their active places until a sweep succeeds'));
  let sweeping: Promise<unknown> = sweep();
  const timer = setInterval(() => {
    sweeping = sweeping.then(sweep);
  }, SWEEP_INTERVAL_MS);
  timer.unref();
  return {
    bookings,
    ping: () =>
      pool.query('SELECT 1').then(
        () => true,
        () => false,
      ),
    close: async () => {
      clearInterval(timer);
      await sweeping;
      await pool.end();
    },
  };
}

/** `queueStores` with their bookings in PostgreSQL instead: ping, health and close cover both. */
export function withPostgresBookings(queueStores: Stores, postgres: PostgresBookings): Stores {
  return {
    ...queueStores,
    bookings: postgres.bookings,
    ping: async () => (await Promise.all([queueStores.ping(), postgres.ping()])).every(Boolean),
    health: async () => {
      const [queue, bookings] = await Promise.all([queueStores.health(), postgres.ping()]);
      return { shards: queue.shards, serves: (eventId) => bookings && queue.serves(eventId) };
    },
    close: async () => {
      await Promise.all([queueStores.close(), postgres.close()]);
    },
  };
}
