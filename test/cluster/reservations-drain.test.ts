/**
 * A reservation handler SIGTERMed with a booking under way (decision 023), as
 * real processes on a real PostgreSQL: the test holds a lock on the bookings
 * table, so the commit waits; the SIGTERM stops the listener (new requests
 * are refused), the booking under way still answers 201 once the lock goes,
 * and the process then exits with 0. (The old stop finished such a booking
 * too; this pins it down for the drain path, with /readyz before it.)
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/store/postgres/migrations.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { pollUntil, sleep } from '../support/cluster-flow.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { cleanUpProcesses, startNode, writeClusterConfig } from '../support/processes.js';
import { testEvent } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const EVENT = 'in-flight';

let database: TestDatabase | null = null;
let pool: pg.Pool | null = null;

afterAll(async () => {
  await cleanUpProcesses();
  await pool?.end();
  await database?.drop();
}, 30_000);

/** Whether a new connection to `url` is answered at all. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}

describe('a reservation handler SIGTERMed mid-booking', () => {
  it('refuses new requests, answers the booking under way with 201, then exits', { timeout: 60_000 }, async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    await migrate(pool);
    const config = await writeClusterConfig({ events: [testEvent({ id: EVENT })], tickMs: 100 });
    const reservations = await startNode({ role: 'reservations', name: 'reservations', configFile: config.path, env: { BOOKINGS_URL: database.url } });
    const gateway = await startNode({ role: 'gateway', name: 'gateway', configFile: config.path, env: { RESERVATIONS_URL: reservations.url } });
    const client = await TestClient.connect(gateway.wsUrl);
    await client.join(EVENT);
    const { grant } = await client.waitFor('admitted');
    await client.close();

    // The commit's INSERT INTO bookings waits behind this lock for as long as the test holds it.
    const lock = await pool.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE bookings IN ACCESS EXCLUSIVE MODE');
    const booking = postBooking(reservations.url, EVENT, bookingBody(grant, client.secret));
    await pollUntil(
      async () => (await pool!.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'")).rows[0].n > 0,
      10_000,
      'the commit waiting on the lock',
    );

    expect((await fetch(`${reservations.url}/readyz`)).status).toBe(200);
    reservations.kill('SIGTERM');
    await pollUntil(async () => !(await answers(`${reservations.url}/livez`)), 2000, 'the listener closed', 10);
    await sleep(300);
    let exitedEarly = false;
    void reservations.exited.then(() => (exitedEarly = true));
    expect(exitedEarly).toBe(false);

    await lock.query('COMMIT');
    lock.release();
    const reply = await booking;
    expect(reply.status).toBe(201);
    expect(await reservations.exited).toBe(0);
    expect((await pool.query('SELECT count(*)::int AS n FROM bookings WHERE event_id = $1', [EVENT])).rows[0].n).toBe(1);
  });
});
