/**
 * The audit trail of operator actions: who, when, what, with what result.
 * Each entry goes to the process log (info when it took effect, warn when it
 * was refused), to the store's audit trail that every gateway lists
 * (`GET /admin/audit`, the newest AUDIT_CAPACITY entries of the deployment)
 * and, when `auditLogFile` is configured, is appended to that file as one
 * JSON line. File appends are not fsynced: an entry can be lost in a power
 * cut, never half-written in the middle of another. An entry the store cannot
 * take (Redis away) is in the process log and the file only.
 */
import { appendFile } from 'node:fs/promises';
import type { Clock } from '../clock.js';
import { AuditEntry } from '../../shared/http/audit.js';
import type { Logger } from '../observability/log.js';
import type { AuditStore } from '../store/types.js';

/** The entry's shape is shared with the console that lists it (`GET /admin/audit`). */
export type { AuditEntry };

/** An entry before it is stamped: everything but `at` (shared/http/audit.ts documents the fields). */
export interface AuditInput {
  actor: string;
  via: string;
  action: string;
  result: string;
  [detail: string]: unknown;
}

/** Results that mean the action took effect (or was a no-op); anything else is logged as a warning. */
const SUCCESS = new Set(['applied', 'unchanged', 'ok']);

/** Past this size (JSON, UTF-16 units) the store keeps only the main fields of an entry, so the trail stays small; the file keeps it whole. */
export const STORED_ENTRY_LIMIT = 4096;

/** A page of the deployment's trail, newest first; `next` reads on (null: nothing older). */
export interface AuditListing {
  entries: AuditEntry[];
  next: string | null;
}

export class AuditLog {
  /** Appends run one after another, so lines never interleave and keep their order. */
  private writing: Promise<void> = Promise.resolve();
  /** Store appends, likewise in order. */
  private storing: Promise<void> = Promise.resolve();
  /** Entries of this process, newest last (bounded), for tests; the console lists the store's trail of the whole deployment. */
  readonly recent: AuditEntry[] = [];

  constructor(private readonly options: { file?: string | undefined; store: AuditStore; log: Logger; clock: Clock; keepRecent?: number }) {}

  record(input: AuditInput): AuditEntry {
    const entry: AuditEntry = { at: new Date(this.options.clock.now()).toISOString(), ...input };
    this.recent.push(entry);
    if (this.recent.length > (this.options.keepRecent ?? 1000)) this.recent.shift();
    const { log } = this.options;
    const message = `audit: ${entry.action} by ${entry.actor} (${entry.via}): ${entry.result}`;
    if (SUCCESS.has(entry.result)) log.info({ audit: entry }, message);
    else log.warn({ audit: entry }, message);
    const stored = storedForm(entry);
    this.storing = this.storing.then(() =>
      this.options.store.append(stored).catch((error: unknown) => {
        log.warn({ err: error, audit: entry }, 'audit: the store could not take the entry; it is in the process log (and the audit log file) only');
      }),
    );
    const file = this.options.file;
    if (file) {
      const line = `${JSON.stringify(entry)}\n`;
      this.writing = this.writing.then(() =>
        appendFile(file, line, { encoding: 'utf8', mode: 0o600 }).catch((error: unknown) => {
          log.error({ err: error, file }, 'audit: could not append to the audit log file; the entry is in the process log only');
        }),
      );
    }
    return entry;
  }

  /** The newest `limit` entries of the deployment older than cursor `before`; rejects when the store cannot be read. */
  async list(limit: number, before?: string): Promise<AuditListing> {
    const page = await this.options.store.page(limit, before);
    return { entries: page.entries.map(({ id, json }) => readStored(id, json)), next: page.next };
  }

  /** Resolves once every entry recorded so far is written (or has failed and been logged). */
  async flush(): Promise<void> {
    await Promise.all([this.writing, this.storing]);
  }
}

function storedForm(entry: AuditEntry): string {
  const json = JSON.stringify(entry);
  if (json.length <= STORED_ENTRY_LIMIT) return json;
  const { at, actor, via, action, result } = entry;
  return JSON.stringify({ at, actor, via, action, result, truncated: true, bytes: Buffer.byteLength(json) });
}

/** A stored entry that is not one (damaged, edited by hand) is listed as such instead of hiding the rest of the page. */
function readStored(id: string, json: string): AuditEntry {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  const parsed = AuditEntry.safeParse(value);
  return parsed.success ? parsed.data : { at: '', actor: '?', via: 'store', action: 'unreadable', result: 'invalid', id };
}
