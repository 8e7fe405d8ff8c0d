/**
 * The webhook outbox in PostgreSQL (migration 003): the rows a booking's
 * transaction wrote, claimed and settled here. A claim is one statement that
 * locks due rows with FOR UPDATE SKIP LOCKED (processes claiming at once get
 * different rows), counts the attempt and moves next_attempt_at past the
 * attempt's timeout: a lease. The lock ends with the statement, no connection
 * is held while the POST runs, and a process that dies mid-attempt leaves the
 * row due again once the lease runs out (at-least-once). Due times are the
 * database's clock, the same for every process.
 */
import type pg from 'pg';
import type { BookingRecord } from '../../store/types.js';

export interface ClaimedDelivery {
  eventId: string;
  reference: string;
  /** This attempt's number, from 1. */
  attempt: number;
  record: BookingRecord;
  /** When the booking was committed. */
  createdAt: Date;
}

/** One attempt's outcome, for the delivery log. */
export interface AttemptResult {
  attemptedAt: Date;
  durationMs: number;
  /** The receiver's status, or null when none came. */
  statusCode: number | null;
  /** Why no 2xx: `HTTP 500`, `timeout`, `ECONNREFUSED`, …; null when delivered. */
  error: string | null;
}

type Queryable = Pick<pg.Pool, 'query'>;

const PENDING = 'delivered_at IS NULL AND failed_at IS NULL';

export class WebhookOutbox {
  constructor(private readonly db: Queryable) {}

  /** Up to `limit` due deliveries, oldest due first, leased to the caller for `leaseMs`. */
  async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const { rows } = await this.db.query<{ event_id: string; reference: string; attempts: number; record: BookingRecord; created_at: Date }>(
      `WITH due AS (
         SELECT event_id, reference FROM webhook_deliveries
         WHERE ${PENDING} AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1
         FOR UPDATE SKIP LOCKED)
       UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + $2::double precision * interval '1 millisecond'
       FROM due, bookings b
       WHERE d.event_id = due.event_id AND d.reference = due.reference AND b.event_id = d.event_id AND b.reference = d.reference
       RETURNING d.event_id, d.reference, d.attempts, b.record, b.created_at`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({ eventId: row.event_id, reference: row.reference, attempt: row.attempts, record: row.record, createdAt: row.created_at }));
  }

  /** Logs a 2xx attempt and marks the delivery done. */
  async delivered(delivery: ClaimedDelivery, result: AttemptResult): Promise<void> {
    await this.db.query(
      `WITH logged AS (${LOG_ATTEMPT})
       UPDATE webhook_deliveries SET delivered_at = now() WHERE event_id = $1 AND reference = $2 AND delivered_at IS NULL`,
      logValues(delivery, result, true),
    );
  }

  /**
   * Logs a failed attempt and sets the next one `retryInMs` from now, or marks the delivery failed
   * when the booking is older than `giveUpAfterMs`. True when it was given up.
   */
  async failed(delivery: ClaimedDelivery, result: AttemptResult, retryInMs: number, giveUpAfterMs: number): Promise<boolean> {
    const { rows } = await this.db.query<{ given_up: boolean }>(
      `WITH logged AS (${LOG_ATTEMPT})
       UPDATE webhook_deliveries d
       SET next_attempt_at = now() + $9::double precision * interval '1 millisecond',
           failed_at = CASE WHEN b.created_at < now() - $10::double precision * interval '1 millisecond' THEN now() END
       FROM bookings b
       WHERE d.event_id = $1 AND d.reference = $2 AND d.delivered_at IS NULL AND b.event_id = d.event_id AND b.reference = d.reference
       RETURNING d.failed_at IS NOT NULL AS given_up`,
      [...logValues(delivery, result, false), retryInMs, giveUpAfterMs],
    );
    return rows[0]?.given_up ?? false;
  }

  /** Deliveries not yet delivered nor given up, across every process. */
  async pendingCount(): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM webhook_deliveries WHERE ${PENDING}`);
    return Number(rows[0]!.n);
  }
}

const LOG_ATTEMPT = `INSERT INTO webhook_attempts (event_id, reference, attempt, attempted_at, duration_ms, status_code, error, delivered)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

function logValues(delivery: ClaimedDelivery, result: AttemptResult, delivered: boolean): unknown[] {
  return [
    delivery.eventId,
    delivery.reference,
    delivery.attempt,
    result.attemptedAt,
    Math.round(result.durationMs),
    result.statusCode,
    result.error,
    delivered,
  ];
}
