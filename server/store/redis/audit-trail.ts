/**
 * The audit trail in Redis: one stream for the deployment, trimmed to its
 * newest entries on each append; stream ids are the paging cursors. One key
 * keeps one order of every gateway's entries; while its shard is away, an
 * entry is only in the process log (and the audit log file).
 */
import { nextCursor } from '../audit-cursor.js';
import { AUDIT_CAPACITY, type AuditPage, type AuditStore } from '../types.js';
import type { RedisConnection } from './client.js';
import { globalKeys } from './keys.js';
import { StoredValueInvalid } from './stored-value.js';

export class RedisAuditTrail implements AuditStore {
  constructor(
    private readonly client: RedisConnection,
    private readonly prefix: string,
    private readonly capacity = AUDIT_CAPACITY,
  ) {}

  async append(json: string): Promise<void> {
    await this.client.xAddCapped(globalKeys(this.prefix).audit, { entry: json }, this.capacity);
  }

  async page(limit: number, before?: string): Promise<AuditPage> {
    const key = globalKeys(this.prefix).audit;
    const found = await this.client.xRevRange(key, before === undefined ? '+' : `(${before}`, limit);
    const entries = found.map(({ id, fields }) => {
      if (fields.entry === undefined) throw new StoredValueInvalid(`${key} ${id}`, 'no field "entry"');
      return { id, json: fields.entry };
    });
    return { entries, next: nextCursor(entries, limit) };
  }
}
