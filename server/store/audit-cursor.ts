/** Paging the audit trail, alike in every store: a full page may have older entries after it, a short page is the end. */
import type { StoredAuditEntry } from './types.js';

export function nextCursor(entries: readonly StoredAuditEntry[], limit: number): string | null {
  return entries.length === limit ? entries.at(-1)!.id : null;
}

/** What a cursor looks like (memory: a count, Redis: a stream id); anything else is refused before a store sees it. */
export const AUDIT_CURSOR = /^\d{1,20}(-\d{1,20})?$/;
