/**
 * The bookings schema in PostgreSQL: `npm run migrate` applies the shipped
 * migrations once, and a real `npm run reservations` process with
 * BOOKINGS_URL refuses to start on a database that lacks one, naming it.
 * Each test runs on a database of its own.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { knownMigrations } from '../../server/store/postgres/migrations.js';
import { cleanUpProcesses, startNode, stopAll, writeClusterConfig } from '../support/processes.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const run = promisify(execFile);

/** `npm run migrate` against `url`, as an operator runs it. */
async function migrateCli(url: string): Promise<string> {
  const { stdout } = await run('node', ['--import', 'tsx', 'server/main/migrate.ts'], { env: { ...process.env, BOOKINGS_URL: url } });
  return stdout;
}

async function startReservations(url: string) {
  const config = await writeClusterConfig();
  return startNode({ role: 'reservations', name: 'pg-reservations', configFile: config.path, env: { BOOKINGS_URL: url } });
}

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await cleanUpProcesses();
  await database.drop();
});

describe('the bookings schema', () => {
  it('the reservation handler refuses an unmigrated database, naming the missing migration and the command', async () => {
    const start = startReservations(database.url);
    await expect(start).rejects.toThrow(/exited \(2\)/);
    const message = String(await start.catch((error: Error) => error.message));
    expect(message).toContain('lacks migration 001-bookings');
    expect(message).toContain('npm run migrate');
  });

  it('npm run migrate applies every migration once and records it; a lost record counts as behind again', async () => {
    const names = knownMigrations().map((m) => m.name);
    expect(await migrateCli(database.url)).toContain(`applied ${names.join(', ')}`);
    expect(await migrateCli(database.url)).toContain('the schema is current');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expect((await client.query('SELECT name FROM schema_migrations ORDER BY name')).rows.map((r) => r.name)).toEqual(names);
      // A database that lost the record of a migration counts as behind again.
      await client.query('DELETE FROM schema_migrations WHERE name = $1', [names[0]]);
    } finally {
      await client.end();
    }
    await expect(startReservations(database.url)).rejects.toThrow(new RegExp(`lacks migration ${names[0]}`));
  });

  it('starts on a current schema', async () => {
    await migrateCli(database.url);
    const node = await startReservations(database.url);
    expect(node.output()).not.toContain('lacks migration');
    await stopAll([node]);
  });
});
