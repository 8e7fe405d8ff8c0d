/**
 * Operator sessions in Redis, so that any gateway accepts a session made on
 * another. Each is one key that Redis expires by itself; `get` also judges
 * the expiry by the caller's clock, so both stores answer alike.
 */
import { z } from 'zod';
import type { OperatorSessionRecord, OperatorSessionStore } from '../types.js';
import type { RedisConnection } from './client.js';
import { globalKeys } from './keys.js';
import { decodeStored } from './stored-value.js';

/** What put writes. */
const StoredSession = z.object({ name: z.string(), role: z.string(), expiresAt: z.number() }) satisfies z.ZodType<OperatorSessionRecord>;

export class RedisOperatorSessions implements OperatorSessionStore {
  constructor(
    private readonly client: RedisConnection,
    private readonly prefix: string,
  ) {}

  async put(idHash: string, record: OperatorSessionRecord, now: number): Promise<void> {
    await this.client.setPx(globalKeys(this.prefix).operatorSession(idHash), JSON.stringify(record), Math.max(1, record.expiresAt - now));
  }

  async get(idHash: string, now: number): Promise<OperatorSessionRecord | null> {
    const key = globalKeys(this.prefix).operatorSession(idHash);
    const stored = await this.client.get(key);
    if (stored === null) return null;
    const record = decodeStored(StoredSession, stored, key);
    return record.expiresAt > now ? record : null;
  }

  async delete(idHash: string): Promise<void> {
    await this.client.del(globalKeys(this.prefix).operatorSession(idHash));
  }
}
