/**
 * A fresh PostgreSQL bookings database for one bench run, on the shared server
 * at 127.0.0.1:5432 (POSTGRES_URL overrides): created and migrated as
 * `npm run migrate` does, dropped afterwards (test/support/postgres.ts makes
 * and drops it; only databases it created are dropped). Also reads the CPU the
 * database's own backend processes used, found by its pg_stat_activity pids,
 * so the shared server's other databases (other engineers' tests) are not counted.
 */
import type pg from 'pg';
import { createPool } from '../../server/store/postgres/index.js';
import { migrate } from '../../server/store/postgres/migrations.js';
import { assertPostgresReachable, createTestDatabase, onServer, type TestDatabase } from '../../test/support/postgres.js';
import { cpuSecondsOf } from './deployment.js';

export interface BookingsDatabase extends TestDatabase {
  /** The runner's own pool on it (checks after the bookings); ended by drop. */
  pool: pg.Pool;
  /** CPU seconds each backend process of this database has used so far, by pid. */
  backendCpu(): Promise<Map<number, number>>;
}

export async function createBookingsDatabase(): Promise<BookingsDatabase> {
  await assertPostgresReachable();
  const database = await createTestDatabase();
  const pool = createPool(database.url);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    await database.drop();
    throw error;
  }
  return {
    ...database,
    pool,
    backendCpu: async () => {
      // Asked from the maintenance database, so the asking connection is not one of them.
      const pids = await onServer(async (client) => {
        const { rows } = await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", [
          database.name,
        ]);
        return rows.map((row) => row.pid);
      });
      const used = await Promise.all(
        pids.map((pid) =>
          cpuSecondsOf(pid).then(
            (cpu) => [pid, cpu] as const,
            () => null,
          ),
        ),
      );
      return new Map(used.filter((entry) => entry !== null));
    },
    drop: async () => {
      await pool.end();
      await database.drop();
    },
  };
}

/** CPU seconds used between two backendCpu readings: a backend that appeared in between counts from zero. */
export function backendCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let used = 0;
  for (const [pid, cpu] of after) used += cpu - (before.get(pid) ?? 0);
  return used;
}
