/** Opens the PostgreSQL booking store at `url` (BOOKINGS_URL), after checking the schema is current. */
import pg from 'pg';
import type { Stores } from '../types.js';
import { PostgresBookingStore } from './booking-store.js';
import { assertSchemaCurrent } from './migrations.js';

export interface PostgresBookings {
  bookings: PostgresBookingStore;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Connections a process opens at most; each commit holds one for its transaction. */
const POOL_SIZE = 10;

export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: 5000 });
  // An idle connection that breaks is replaced at the next query; the query that needs it fails instead.
  pool.on('error', () => {});
  return pool;
}

/** Throws SchemaBehindError (./migrations.ts) on a database that lacks a migration; nothing stays open then. */
export async function openPostgresBookings(url: string): Promise<PostgresBookings> {
  const pool = createPool(url);
  try {
    await assertSchemaCurrent(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    bookings: new PostgresBookingStore(pool),
    ping: () =>
      pool.query('SELECT 1').then(
        () => true,
        () => false,
      ),
    close: () => pool.end(),
  };
}

/** `queueStores` with their bookings in PostgreSQL instead: ping and close cover both. */
export function withPostgresBookings(queueStores: Stores, postgres: PostgresBookings): Stores {
  return {
    ...queueStores,
    bookings: postgres.bookings,
    ping: async () => (await Promise.all([queueStores.ping(), postgres.ping()])).every(Boolean),
    close: async () => {
      await Promise.all([queueStores.close(), postgres.close()]);
    },
  };
}
