/**
 * The booking store implementations the booking contract and the booking
 * races run against: memory and Redis (./stores.ts), and PostgreSQL bookings
 * beside a memory queue, each on a database of its own that close() drops.
 */
import { createMemoryStores } from '../../server/store/memory/index.js';
import { openPostgresBookings, withPostgresBookings, createPool } from '../../server/store/postgres/index.js';
import { migrate } from '../../server/store/postgres/migrations.js';
import type { Stores } from '../../server/store/types.js';
import { createTestDatabase } from './postgres.js';
import { storeFactories } from './stores.js';

export interface BookingStoreFactory {
  name: 'memory' | 'redis' | 'postgres';
  create(): Promise<Stores>;
}

/**
 * The contract tests give every call its own `now` (fixed instants in 2026) and no clock; the store's own sweep
 * reads this one, at the epoch, so it deletes nothing those instants made (the sweep's deletion has its own
 * test in test/integration/bookings-cli.test.ts). With the wall clock here the sweep raced the tests: a
 * binding made "in the past" vanished under a concurrent claim, and two passes got one assertion.
 */
const CONTRACT_CLOCK = () => 0;

/** Memory queue stores with their bookings in a new, migrated PostgreSQL database. */
export async function createPostgresStores(): Promise<Stores> {
  const database = await createTestDatabase();
  try {
    const pool = createPool(database.url);
    await migrate(pool).finally(() => pool.end());
    const queueStores = createMemoryStores();
    const stores = withPostgresBookings(queueStores, await openPostgresBookings(database.url, queueStores.queue, { now: CONTRACT_CLOCK }));
    return { ...stores, close: async () => (await stores.close(), await database.drop()) };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

export const bookingStoreFactories: BookingStoreFactory[] = [
  ...storeFactories.map((factory) => ({ name: factory.name, create: () => factory.create() })),
  { name: 'postgres', create: createPostgresStores },
];
