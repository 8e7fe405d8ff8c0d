/** The priority lanes' part of the Redis figures and code records (docs/decisions/031). */
import type { EventKeys } from './keys.js';
import type { RedisConnection } from './client.js';
import type { LaneCode, LaneFigures, NewLaneCode, QueueFigures } from '../types.js';

type LeftCounts = (client: RedisConnection, cursor: number, issued: number) => Promise<QueueFigures['left']>;

/** Each lane anyone joined, by lane number: its meta fields (Lkc, Lki, Lkq, Lka), then its leaver counts. */
export async function laneFigures(client: RedisConnection, k: EventKeys, leftCounts: LeftCounts): Promise<LaneFigures[]> {
  const lines = Object.entries(await client.hGetAll(k.lanes))
    .map(([id, line]) => ({ id, line: Number(line) }))
    .sort((a, b) => a.line - b.line);
  const fields = lines.flatMap(({ line }) => ['c', 'i', 'q', 'a'].map((field) => `L${line}${field}`));
  const values = (await client.hmGet(k.meta, fields)).map((value) => Number(value ?? 0));
  return Promise.all(
    lines.map(async ({ id, line }, n) => {
      const [cursor, issued, requeued, admittedTotal] = values.slice(n * 4, n * 4 + 4) as [number, number, number, number];
      return { id, line, cursor, issued, requeued, admittedTotal, left: await leftCounts(client, cursor, issued) };
    }),
  );
}

/** A code's record in the laneCodes hash: "laneId uses expiresAt issuedAt" (lane-join.lua reads the first three). */
export function laneCodeRecord(code: NewLaneCode, now: number): string {
  return `${code.laneId} ${code.uses} ${code.expiresAt} ${now}`;
}

export function laneCodeOf(code: string, record: string, used: number): LaneCode {
  const [laneId, uses, expiresAt, issuedAt] = record.split(' ');
  return { code, laneId: laneId!, uses: Number(uses), expiresAt: Number(expiresAt), issuedAt: Number(issuedAt), used };
}
