/**
 * Bookings in PostgreSQL: one READ COMMITTED transaction per commit
 * (docs/decisions/017-postgres-bookings.md). Each step is one statement whose
 * constraint or guard decides, in the order the other stores check: the
 * grant (primary key of used_grants), the person (UNIQUE on bookings), then
 * the slot (an upsert guarded by `taken < capacity`). A step that finds its
 * row taken waits for the transaction holding it, then sees its outcome; the
 * first refusal rolls everything back. Nothing is read in Node and written after.
 *
 * The queue side of a commit lives in the queue store (Redis or memory), so it
 * is done around the transaction: the queue store is asked first whether the
 * ticket may still book (a refusal changes nothing); the transaction writes a
 * queue_releases row with the booking; after COMMIT the release is applied
 * (queue.releaseBooked, idempotent) and the row deleted. A crash or a queue
 * outage in between leaves the row to sweep(). The active count undershoots
 * until then, never overshoots.
 */
import type pg from 'pg';
import type { Warn } from '../../observability/throttled-warn.js';
import { bookingFingerprint, slotKey } from '../booking-fingerprint.js';
import type { BookingRecord, BookingRequest, BookingStore, CommitOutcome, QueueStore } from '../types.js';
import { withPooledClient } from './pooled-client.js';

/** Deadlock and serialization failures: the transaction changed nothing, so it is run again, this many times at most. */
const RETRIED_CODES = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 3;
/** Leftover queue releases one sweep applies at most (the next sweep takes the rest). */
const SWEEP_BATCH = 100;

type Refusal = Exclude<CommitOutcome, { kind: 'booked' }>;

export class PostgresBookingStore implements BookingStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly queue: QueueStore,
    /** Told of a queue release that failed after COMMIT (the sweep applies it later). */
    private readonly warn: Warn = () => {},
  ) {}

  async commit(request: BookingRequest): Promise<CommitOutcome> {
    // The same order of refusals as commit-booking.lua: a used grant first, then a ticket that no longer books.
    if (!(await this.queue.mayBook(request.eventId, request.ticketNo))) return (await this.priorUse(this.pool, request)) ?? { kind: 'grant_revoked' };
    const outcome = await this.commitRetried(request);
    if (outcome.kind === 'booked') {
      await this.release(request.eventId, request.ticketNo, request.grantId).catch((error: Error) =>
        this.warn(
          { err: error, eventId: request.eventId, ticketNo: request.ticketNo },
          'queue release failed after a booking committed: the ticket keeps its active place until the sweep applies it',
        ),
      );
    }
    return outcome;
  }

  /**
   * Applies the queue releases a crash or a queue outage left behind (at most SWEEP_BATCH, oldest first);
   * returns how many it applied. Safe beside commits and other processes' sweeps: each release is idempotent.
   */
  async sweep(): Promise<number> {
    const { rows } = await this.pool.query<{ event_id: string; ticket_no: string; grant_id: string }>(
      'SELECT event_id, ticket_no, grant_id FROM queue_releases ORDER BY created_at LIMIT $1',
      [SWEEP_BATCH],
    );
    for (const row of rows) await this.release(row.event_id, Number(row.ticket_no), row.grant_id);
    return rows.length;
  }

  /** The queue side of a committed booking, then its outbox row; run again after a failure, it frees nothing twice. */
  private async release(eventId: string, ticketNo: number, grantId: string): Promise<void> {
    await this.queue.releaseBooked(eventId, ticketNo);
    await this.pool.query('DELETE FROM queue_releases WHERE event_id = $1 AND grant_id = $2', [eventId, grantId]);
  }

  private async commitRetried(request: BookingRequest): Promise<CommitOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.commitOnce(request);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !RETRIED_CODES.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
  }

  private commitOnce(request: BookingRequest): Promise<CommitOutcome> {
    return withPooledClient(this.pool, async (client) => {
      try {
        await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
        const refusal = await this.write(client, request);
        if (refusal) {
          await client.query('ROLLBACK');
          return refusal.kind === 'grant_used' ? ((await this.priorUse(client, request)) ?? refusal) : refusal;
        }
        await client.query('COMMIT');
        return { kind: 'booked', booking: request.record };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  /** The writes of a booking, in order; the first that is refused ends it (the caller rolls back). */
  private async write(client: pg.PoolClient, request: BookingRequest): Promise<Refusal | null> {
    const { eventId, reference } = request;
    const fingerprint = bookingFingerprint(request.personKey, request.centerId, request.slotId);
    const grant = await client.query(
      'INSERT INTO used_grants (event_id, grant_id, reference, fingerprint) VALUES ($1, $2, $3, $4) ON CONFLICT (event_id, grant_id) DO NOTHING',
      [eventId, request.grantId, reference, fingerprint],
    );
    if (grant.rowCount === 0) return { kind: 'grant_used' };
    const person = await client.query(
      'INSERT INTO bookings (event_id, reference, person_key, record) VALUES ($1, $2, $3, $4) ON CONFLICT (event_id, person_key) DO NOTHING',
      [eventId, reference, request.personKey, JSON.stringify(request.record)],
    );
    if (person.rowCount === 0) return { kind: 'already_booked' };
    // The guard is evaluated on the latest committed row, under its lock: never more than the capacity.
    const slot = await client.query(
      `INSERT INTO slot_units (event_id, slot_key, taken) SELECT $1, $2, 1 WHERE $3::integer >= 1
       ON CONFLICT (event_id, slot_key) DO UPDATE SET taken = slot_units.taken + 1 WHERE slot_units.taken < $3::integer`,
      [eventId, slotKey(request.centerId, request.slotId), request.slotCapacity],
    );
    if (slot.rowCount === 0) return { kind: 'slot_full' };
    await client.query('INSERT INTO queue_releases (event_id, ticket_no, grant_id) VALUES ($1, $2, $3)', [eventId, request.ticketNo, request.grantId]);
    await client.query('INSERT INTO webhook_deliveries (event_id, reference) VALUES ($1, $2)', [eventId, reference]); // sent by server/reservations/webhooks/
    return null;
  }

  /** Null while the grant is unused; else this request repeats its committed booking, or uses the grant again. */
  private async priorUse(db: pg.Pool | pg.PoolClient, request: BookingRequest): Promise<Refusal | null> {
    const { rows } = await db.query<{ fingerprint: string; record: BookingRecord }>(
      `SELECT g.fingerprint, b.record FROM used_grants g JOIN bookings b ON b.event_id = g.event_id AND b.reference = g.reference
       WHERE g.event_id = $1 AND g.grant_id = $2`,
      [request.eventId, request.grantId],
    );
    const used = rows[0];
    if (!used) return null;
    const fingerprint = bookingFingerprint(request.personKey, request.centerId, request.slotId);
    return used.fingerprint === fingerprint ? { kind: 'repeated', booking: used.record } : { kind: 'grant_used' };
  }

  async claimAssertion(eventId: string, assertionId: string, grantId: string, expiresAt: number, now: number): Promise<boolean> {
    // One statement: an expired binding is taken over, a live one stays with its grant.
    const { rows } = await this.pool.query<{ grant_id: string }>(
      `INSERT INTO used_assertions (event_id, assertion_id, grant_id, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (event_id, assertion_id) DO UPDATE
         SET grant_id = CASE WHEN used_assertions.expires_at <= $5 THEN EXCLUDED.grant_id ELSE used_assertions.grant_id END,
             expires_at = CASE WHEN used_assertions.expires_at <= $5 THEN EXCLUDED.expires_at ELSE used_assertions.expires_at END
       RETURNING grant_id`,
      [eventId, assertionId, grantId, expiresAt, now],
    );
    return rows[0]!.grant_id === grantId;
  }

  async taken(eventId: string): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ slot_key: string; taken: number }>('SELECT slot_key, taken FROM slot_units WHERE event_id = $1', [eventId]);
    return new Map(rows.map((row) => [row.slot_key, row.taken]));
  }

  async bookingCount(eventId: string): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>('SELECT count(*) AS count FROM bookings WHERE event_id = $1', [eventId]);
    return Number(rows[0]!.count);
  }
}
