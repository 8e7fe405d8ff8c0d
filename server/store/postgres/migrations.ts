/**
 * The bookings schema as versioned migrations: the plain SQL files in
 * ./migrations, named NNN-name.sql, applied in name order. `migrate` applies
 * the pending ones in one transaction and records each in schema_migrations;
 * `missingMigrations` tells the reservation handler what a database lacks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { withPooledClient } from './pooled-client.js';

const DIRECTORY = fileURLToPath(new URL('./migrations/', import.meta.url));
const NAME = /^(\d{3})-[a-z0-9-]+\.sql$/;
/** Serializes concurrent `migrate` runs on one database (an arbitrary, fixed advisory lock key). */
const MIGRATION_LOCK = 0x5741_4954;

export interface Migration {
  /** The file name without .sql, e.g. 001-bookings: what schema_migrations records. */
  name: string;
  sql: string;
}

export class SchemaBehindError extends Error {
  readonly code = 'BOOKING_SCHEMA_BEHIND';
}

/** Every migration shipped with this code, in order. */
export function knownMigrations(directory = DIRECTORY): Migration[] {
  return readdirSync(directory)
    .filter((file) => NAME.test(file))
    .sort()
    .map((file) => ({ name: file.slice(0, -'.sql'.length), sql: readFileSync(`${directory}${file}`, 'utf8') }));
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

async function appliedNames(db: Queryable): Promise<Set<string>> {
  const table = await db.query<{ present: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  if (!table.rows[0]!.present) return new Set();
  return new Set((await db.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((row) => row.name));
}

/** The known migrations the database has not applied, in order. */
export async function missingMigrations(db: Queryable, known = knownMigrations()): Promise<string[]> {
  const applied = await appliedNames(db);
  return known.filter((m) => !applied.has(m.name)).map((m) => m.name);
}

/** Applies every pending migration in one transaction (all or none); returns their names. */
export function migrate(pool: pg.Pool, known = knownMigrations()): Promise<string[]> {
  return withPooledClient(pool, async (client) => {
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const applied = await appliedNames(client);
      const pending = known.filter((m) => !applied.has(m.name));
      for (const migration of pending) {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [migration.name]);
      }
      await client.query('COMMIT');
      return pending.map((m) => m.name);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  });
}

/** Throws SchemaBehindError naming what is missing, unless the database has every known migration. */
export async function assertSchemaCurrent(db: Queryable, known = knownMigrations()): Promise<void> {
  const missing = await missingMigrations(db, known);
  if (missing.length === 0) return;
  throw new SchemaBehindError(`the bookings database lacks migration ${missing.join(', ')}: run \`npm run migrate\` with the same BOOKINGS_URL first`);
}
