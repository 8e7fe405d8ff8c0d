/** The audit trail in process memory (one process is the whole deployment): the newest `capacity` entries, ids counting appends. */
import { nextCursor } from '../audit-cursor.js';
import { AUDIT_CAPACITY, type AuditPage, type AuditStore, type StoredAuditEntry } from '../types.js';

export class MemoryAuditTrail implements AuditStore {
  /** Oldest first. */
  private readonly entries: { seq: number; json: string }[] = [];
  private appended = 0;

  constructor(private readonly capacity = AUDIT_CAPACITY) {}

  async append(json: string): Promise<void> {
    this.entries.push({ seq: ++this.appended, json });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  async page(limit: number, before?: string): Promise<AuditPage> {
    const below = before === undefined ? Infinity : Number(before);
    const newest = this.entries
      .filter((entry) => entry.seq < below)
      .slice(-limit)
      .reverse();
    const entries: StoredAuditEntry[] = newest.map(({ seq, json }) => ({ id: String(seq), json }));
    return { entries, next: nextCursor(entries, limit) };
  }
}
