/**
 * The audit log's store side (server/operators/audit-log.ts): every entry
 * reaches the deployment's trail in order; an oversized entry is kept there
 * by its main fields only (the file keeps it whole); a stored value that is
 * not an entry is listed as unreadable instead of hiding the page.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, STORED_ENTRY_LIMIT } from '../../server/operators/audit-log.js';
import { silentLogger } from '../../server/observability/log.js';
import { MemoryAuditTrail } from '../../server/store/memory/audit-trail.js';

const clock = { now: () => Date.UTC(2026, 11, 3, 9, 0, 0) };

describe('audit log in the store', () => {
  it('lists what was recorded, newest first, an oversized entry by its main fields (the file keeps it whole)', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'audit-')), 'audit.jsonl');
    const audit = new AuditLog({ file, store: new MemoryAuditTrail(), log: silentLogger, clock });
    audit.record({ actor: 'ana', via: 'console', action: 'queue.pause', result: 'applied', event: 'ev' });
    const problems = 'x'.repeat(STORED_ENTRY_LIMIT);
    audit.record({ actor: 'ana', via: 'http', action: 'events.reload', result: 'invalid', problems });
    await audit.flush();
    const { entries, next } = await audit.list(10);
    expect(next).toBeNull();
    expect(entries).toEqual([
      { at: '2026-12-03T09:00:00.000Z', actor: 'ana', via: 'http', action: 'events.reload', result: 'invalid', truncated: true, bytes: expect.any(Number) },
      { at: '2026-12-03T09:00:00.000Z', actor: 'ana', via: 'console', action: 'queue.pause', result: 'applied', event: 'ev' },
    ]);
    expect(entries[0]!.bytes).toBeGreaterThan(STORED_ENTRY_LIMIT);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(JSON.parse(lines[1]!).problems).toBe(problems);
  });

  it('lists a stored value that is not an entry as unreadable, and the rest of the page as it is', async () => {
    const store = new MemoryAuditTrail();
    await store.append('{"at":"2026-12-03T09:00:00.000Z","actor":"ana","via":"console","action":"queue.pause","result":"applied"}');
    await store.append('not json');
    await store.append('{"actor":7}');
    const { entries } = await new AuditLog({ store, log: silentLogger, clock }).list(10);
    expect(entries.map((entry) => [entry.action, entry.result])).toEqual([
      ['unreadable', 'invalid'],
      ['unreadable', 'invalid'],
      ['queue.pause', 'applied'],
    ]);
  });
});
