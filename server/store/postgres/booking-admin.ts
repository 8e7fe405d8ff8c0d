/**
 * The PostgreSQL side of server/store/booking-admin.ts: bookings listed by keyset pagination on
 * (event_id, reference), the primary key, so millions never sit in memory and no transaction stays
 * open between pages; and purge, in one transaction.
 */
import type pg from 'pg';
import { BookingAdminError, PAGE_SIZE, PERSONAL_FIELDS, type BookingAdmin, type PurgeCounts, type StoredBooking } from '../booking-admin.js';
import { createPool } from './index.js';
import { assertSchemaCurrent } from './migrations.js';

export async function openPostgresAdmin(url: string): Promise<BookingAdmin> {
  const pool = createPool(url);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new BookingAdminError('BOOKINGS_UNREACHABLE', `PostgreSQL at BOOKINGS_URL is unreachable: ${(error as Error).message}`);
  }
  try {
    await assertSchemaCurrent(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    list: (eventId) => listBookings(pool, eventId),
    bookingCount: async (eventId) => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM bookings WHERE event_id = $1', [eventId])).rows[0]!.n),
    purge: (eventId, before) => purgeBookings(pool, eventId, before),
    close: () => pool.end(),
  };
}

async function* listBookings(pool: pg.Pool, eventId: string): AsyncGenerator<StoredBooking> {
  let after = '';
  for (;;) {
    const { rows } = await pool.query<{ reference: string; record: StoredBooking }>(
      'SELECT reference, record FROM bookings WHERE event_id = $1 AND reference > $2 ORDER BY reference LIMIT $3',
      [eventId, after, PAGE_SIZE],
    );
    for (const row of rows) yield row.record;
    if (rows.length < PAGE_SIZE) return;
    after = rows[rows.length - 1]!.reference;
  }
}

/**
 * One transaction: the bookings lose their personal fields and their person key (replaced by
 * purgedPersonKey's form, built in SQL), their grants' fingerprints (which embed the person key)
 * become 'purged', and the event's identity-assertion bindings go. Counts (slot_units, the bookings
 * rows) and references stay.
 */
async function purgeBookings(pool: pg.Pool, eventId: string, before: number | null): Promise<PurgeCounts> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ bookings: string }>(
      `WITH purged AS (
         UPDATE bookings SET record = record - $3::text[], person_key = 'purged:' || reference
         WHERE event_id = $1 AND person_key NOT LIKE 'purged:%' AND ($2::bigint IS NULL OR (record->>'bookedAt')::bigint < $2)
         RETURNING reference
       ), grants AS (
         UPDATE used_grants g SET fingerprint = 'purged' FROM purged p WHERE g.event_id = $1 AND g.reference = p.reference RETURNING 1
       )
       SELECT (SELECT count(*) FROM purged) AS bookings, (SELECT count(*) FROM grants) AS grants`,
      [eventId, before, [...PERSONAL_FIELDS]],
    );
    const assertions = await client.query('DELETE FROM used_assertions WHERE event_id = $1', [eventId]);
    await client.query('COMMIT');
    return { bookings: Number(rows[0]!.bookings), assertions: assertions.rowCount ?? 0 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
