/**
 * `npm run migrate`: applies the pending bookings migrations
 * (server/store/postgres/migrations) to the database at BOOKINGS_URL, in one
 * transaction, and says which it applied.
 */
import { createPool } from '../store/postgres/index.js';
import { migrate } from '../store/postgres/migrations.js';
import { parseCommandLine } from './command-line.js';

parseCommandLine({
  name: 'npm run migrate --',
  summary: 'Applies the pending bookings migrations to the PostgreSQL database at BOOKINGS_URL, in one transaction.',
  env: { BOOKINGS_URL: 'the database: postgres://user@host:port/database' },
});

const url = process.env.BOOKINGS_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error('migrate: set BOOKINGS_URL=postgres://user@host:port/database');
  process.exit(2);
}
const pool = createPool(url);
try {
  const applied = await migrate(pool);
  console.log(applied.length === 0 ? 'migrate: the schema is current' : `migrate: applied ${applied.join(', ')}`);
} catch (error) {
  console.error(`migrate: failed, nothing applied: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
