/**
 * The console's history in Redis: one sorted set per event (in its hash tag,
 * so each event's history lives on its own shard), written by a script that
 * keeps the first sample of each time and trims by age.
 */
import { z } from 'zod';
import type { HistorySample, HistoryStore } from '../types.js';
import type { RedisConnection } from './client.js';
import { historyKey } from './keys.js';
import type { Scripts } from './scripts.js';
import { decodeStored } from './stored-value.js';

const StoredSample = z.object({
  t: z.number(),
  waiting: z.number(),
  admittedTotal: z.number(),
  active: z.number(),
  bookings: z.number(),
  connections: z.record(z.string(), z.number()),
}) satisfies z.ZodType<HistorySample>;

export class RedisHistory implements HistoryStore {
  constructor(
    private readonly client: RedisConnection,
    private readonly scripts: Scripts,
    private readonly prefix: string,
  ) {}

  async append(eventId: string, sample: HistorySample, keepMs: number): Promise<boolean> {
    return (await this.scripts.run('history-append', [historyKey(this.prefix, eventId)], [sample.t, JSON.stringify(sample), keepMs])) === 1;
  }

  async read(eventId: string, since: number): Promise<HistorySample[]> {
    const key = historyKey(this.prefix, eventId);
    return (await this.client.zRangeFrom(key, since)).map((stored) => decodeStored(StoredSample, stored, key));
  }
}
