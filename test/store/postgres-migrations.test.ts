/**
 * The migration runner (server/store/postgres/migrations.ts) on a real
 * PostgreSQL database of its own: applied in name order, each once, all or
 * none; and what is missing is named.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createPool } from '../../server/store/postgres/index.js';
import { assertSchemaCurrent, knownMigrations, migrate, missingMigrations } from '../../server/store/postgres/migrations.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

let database: TestDatabase;
let pool: pg.Pool;
beforeEach(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
});
afterEach(async () => {
  await pool.end();
  await database.drop();
});

/** A migrations directory holding `files` (name → SQL). */
async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'waitroom-migrations-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return `${dir}/`;
}

it('applies pending migrations in name order, and only those', async () => {
  const first = await migrationsDir({ '001-a.sql': 'CREATE TABLE a (n int)', 'notes.txt': 'not a migration' });
  expect(await migrate(pool, knownMigrations(first))).toEqual(['001-a']);
  const both = await migrationsDir({ '002-b.sql': 'CREATE TABLE b (n int REFERENCES a (n))', '001-a.sql': 'CREATE TABLE a (n int PRIMARY KEY)' });
  expect(await missingMigrations(pool, knownMigrations(both))).toEqual(['002-b']);
  await expect(assertSchemaCurrent(pool, knownMigrations(both))).rejects.toMatchObject({ code: 'BOOKING_SCHEMA_BEHIND', message: /lacks migration 002-b/ });
  // 001-a is not run again (its new text would fail: b references a primary key that the applied a lacks).
  await expect(migrate(pool, knownMigrations(both))).rejects.toThrow(/no unique constraint/);
  expect(await missingMigrations(pool, knownMigrations(both))).toEqual(['002-b']);
});

it('applies all pending migrations or none', async () => {
  const dir = await migrationsDir({ '001-a.sql': 'CREATE TABLE a (n int)', '002-broken.sql': 'CREATE TABLE nonsense (' });
  await expect(migrate(pool, knownMigrations(dir))).rejects.toThrow(/syntax error/);
  expect(await missingMigrations(pool, knownMigrations(dir))).toEqual(['001-a', '002-broken']);
  expect((await pool.query(`SELECT to_regclass('a') AS a`)).rows[0].a).toBeNull();
});

it('the shipped migrations apply to an empty database and leave it current', async () => {
  expect(await migrate(pool)).toEqual(knownMigrations().map((m) => m.name));
  await assertSchemaCurrent(pool);
  expect(await migrate(pool)).toEqual([]);
});
