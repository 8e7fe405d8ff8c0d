/**
 * PostgreSQL for tests: the real server at POSTGRES_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres), a database of its own per
 * store (waitroom_test_<random>), dropped when the test closes it. Only
 * databases this module created are ever dropped. Unreachable PostgreSQL
 * fails the run loudly.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of database `name` on the test server. */
function urlOf(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` on a connection to the test server's maintenance database. */
export async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Throws a clear error when PostgreSQL cannot be reached. */
export async function assertPostgresReachable(): Promise<void> {
  try {
    await onServer((client) => client.query('SELECT 1'));
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${(error as Error).message}). The PostgreSQL booking tests need a real server: ` +
        'start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` or set POSTGRES_URL.',
    );
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database; `drop` removes it (connections still open to it are ended). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `waitroom_test_${randomBytes(6).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  return { name, url: urlOf(name), drop: () => onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}) };
}
