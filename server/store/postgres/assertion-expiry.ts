/**
 * Expired identity-assertion bindings are deleted by the store's periodic sweep (./index.ts); before
 * this they were never deleted (docs/decisions/021-export-and-retention.md).
 */
import type pg from 'pg';

/**
 * A binding is deleted this long after it expired, not at once: a process whose clock is behind
 * still holds it live until then (claimAssertion treats a missing row as unbound).
 */
const ASSERTION_DELETE_MARGIN_MS = 60_000;
/** Rows one sweep deletes at most (the next sweep takes the rest). */
const ASSERTION_DELETE_BATCH = 1000;

/** Deletes up to ASSERTION_DELETE_BATCH bindings that expired before `now` less the margin; returns how many. */
export async function deleteExpiredAssertions(pool: pg.Pool, now: number): Promise<number> {
  const result = await pool.query('DELETE FROM used_assertions WHERE ctid IN (SELECT ctid FROM used_assertions WHERE expires_at < $1 LIMIT $2)', [
    now - ASSERTION_DELETE_MARGIN_MS,
    ASSERTION_DELETE_BATCH,
  ]);
  return result.rowCount ?? 0;
}
