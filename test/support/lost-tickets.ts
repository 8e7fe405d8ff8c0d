/**
 * The state a Redis restart leaves behind when it lost its last writes
 * (docs/decisions/004), written into Redis directly: the event's meta as it was
 * before `lost` were issued, those tickets' statuses and holders gone, and the
 * run id of an earlier Redis run, so the next script runs the restart check.
 * The real crash-and-restart is test/cluster/redis-crash.test.ts.
 */
import type { createClient } from 'redis';
import type { EventKeys } from '../../server/store/redis/keys.js';

export type RawRedis = ReturnType<typeof createClient>;

/** The run id these states record: never a real one (Redis run ids are 40 hex digits). */
export const EARLIER_RUN_ID = 'the-run-before';

/** Tickets `lost` (the last ones issued) are gone; `issued` goes back to the number before them. */
export async function loseTickets(raw: RawRedis, k: EventKeys, lost: readonly number[]): Promise<void> {
  const names = lost.map(String);
  await raw.hSet(k.meta, { issued: String(Math.min(...lost) - 1), runId: EARLIER_RUN_ID });
  await raw.hDel(k.status, names);
  await raw.zRem(k.held, names);
}

/** Only the run id changes: a restart that lost nothing of this event. */
export async function restartRedisRun(raw: RawRedis, k: EventKeys): Promise<void> {
  await raw.hSet(k.meta, 'runId', EARLIER_RUN_ID);
}
