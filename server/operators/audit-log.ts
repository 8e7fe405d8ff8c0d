/**
 * The audit trail of operator actions: who, when, what, with what result.
 * Each entry goes to the process log (info when it took effect, warn when it
 * was refused) and, when `auditLogFile` is configured, is appended to that
 * file as one JSON line. Appends are not fsynced: an entry can be lost in a
 * power cut, never half-written in the middle of another.
 */
import { appendFile } from 'node:fs/promises';
import type { Clock } from '../clock.js';
import type { AuditEntry } from '../../shared/http/audit.js';
import type { Logger } from '../observability/log.js';

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

export class AuditLog {
  /** Appends run one after another, so lines never interleave and keep their order. */
  private writing: Promise<void> = Promise.resolve();
  /** Entries of this process, newest last (bounded), for tests and a future console view. */
  readonly recent: AuditEntry[] = [];

  constructor(private readonly options: { file?: string | undefined; log: Logger; clock: Clock; keepRecent?: number }) {}

  record(input: AuditInput): AuditEntry {
    const entry: AuditEntry = { at: new Date(this.options.clock.now()).toISOString(), ...input };
    this.recent.push(entry);
    if (this.recent.length > (this.options.keepRecent ?? 1000)) this.recent.shift();
    const { log } = this.options;
    const message = `audit: ${entry.action} by ${entry.actor} (${entry.via}): ${entry.result}`;
    if (SUCCESS.has(entry.result)) log.info({ audit: entry }, message);
    else log.warn({ audit: entry }, message);
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

  /** Resolves once every entry recorded so far is written (or has failed and been logged). */
  flush(): Promise<void> {
    return this.writing;
  }
}
