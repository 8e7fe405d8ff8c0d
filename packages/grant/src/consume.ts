/**
 * Consuming a grant once, inside the caller's own open transaction: one INSERT into
 * `waitroom_consumed_grants` (migrations/001-consumed-grants.sql). The caller's booking
 * commits or rolls back with it, so a grant is used exactly when a booking exists.
 * Takes any client with `query(text, values)` (node-postgres' Client or PoolClient): no pg dependency.
 */
import type { GrantClaims } from './claims.js';

/** The part of a PostgreSQL client this needs; node-postgres' `Client` and `PoolClient` fit. */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
}

export type ConsumeOutcome = 'consumed' | 'already_consumed';

/** The migration that creates the table, to hand to the caller's migration tool (read it with fs.readFile). */
export const CONSUMED_GRANTS_MIGRATION = new URL('../migrations/001-consumed-grants.sql', import.meta.url);

const CONSUME = `INSERT INTO waitroom_consumed_grants (event_id, grant_id, ticket_no, expires_at)
VALUES ($1, $2, $3, to_timestamp($4::double precision / 1000))
ON CONFLICT (event_id, grant_id) DO NOTHING`;

/**
 * Marks the grant used. Call it inside the transaction that writes the booking, after verifyGrant.
 * 'already_consumed': roll back, answer 409. Under READ COMMITTED a concurrent use of the same grant waits
 * for the first transaction: if it commits this one gets 'already_consumed', if it rolls back this one consumes.
 * (Under REPEATABLE READ or SERIALIZABLE PostgreSQL raises 40001 instead: retry the transaction.)
 */
export async function consumeGrant(client: SqlClient, claims: Pick<GrantClaims, 'e' | 'gid' | 'n' | 'exp'>): Promise<ConsumeOutcome> {
  const result = await client.query(CONSUME, [claims.e, claims.gid, claims.n, claims.exp]);
  return result.rowCount === 1 ? 'consumed' : 'already_consumed';
}
