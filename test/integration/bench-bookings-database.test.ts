/**
 * The bench's PostgreSQL bookings database (bench/lib/bookings-database.ts) on
 * the real server: it is created with every migration applied, its backend
 * CPU counts the connections to it and only those, and drop removes it.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { backendCpuBetween, createBookingsDatabase } from '../../bench/lib/bookings-database.js';
import { missingMigrations } from '../../server/store/postgres/migrations.js';
import { onServer, TEST_POSTGRES_URL } from '../support/postgres.js';

/** Keeps a backend busy for a moment: enough CPU for /proc to count a few ticks. */
const BUSY_SQL = 'SELECT count(*) FROM generate_series(1, 3000000)';

describe('the bench bookings database', () => {
  it('is migrated, reads the CPU of its own backends only, and is dropped', async () => {
    const database = await createBookingsDatabase();
    const ours = new pg.Client({ connectionString: database.url });
    const elsewhere = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    try {
      expect(await missingMigrations(database.pool)).toEqual([]);
      await ours.connect();
      await elsewhere.connect();
      const ourPid = (await ours.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const otherPid = (await elsewhere.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const before = await database.backendCpu();
      expect(before.has(ourPid)).toBe(true);
      expect(before.has(otherPid)).toBe(false);
      await ours.query(BUSY_SQL);
      await elsewhere.query(BUSY_SQL);
      const after = await database.backendCpu();
      expect(after.get(ourPid)!).toBeGreaterThan(before.get(ourPid)!);
      expect(backendCpuBetween(before, after)).toBeGreaterThan(0);
      // A backend that appeared between the readings counts from zero.
      expect(backendCpuBetween(new Map(), after)).toBeCloseTo(
        [...after.values()].reduce((a, b) => a + b, 0),
        6,
      );
    } finally {
      await ours.end();
      await elsewhere.end();
      await database.drop();
    }
    const left = await onServer((client) => client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database.name]));
    expect(left.rowCount).toBe(0);
  });
});
