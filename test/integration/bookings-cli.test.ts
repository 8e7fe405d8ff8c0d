/**
 * `npm run bookings` as a real child process against real PostgreSQL and Redis bookings: export
 * round-trips tricky names (commas, quotes, newlines, Korean, formula starts) through CSV and JSONL;
 * unknown events, unreachable stores and open events get their exit codes; after purge no name,
 * birth date or person key of the event is left anywhere in the store, the counts stay, and
 * another event is untouched.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import { createMemoryStores } from '../../server/store/memory/index.js';
import { createPool, openPostgresBookings, withPostgresBookings } from '../../server/store/postgres/index.js';
import { migrate } from '../../server/store/postgres/migrations.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import type { BookingRecord, Stores } from '../../server/store/types.js';
import { bookingRequest } from '../support/booking-request.js';
import { createTestDatabase } from '../support/postgres.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';
import { testEvent } from '../support/system.js';

const NOW = Date.now();
const HOUR = 3600_000;
const NAMES = ['Kim, Min-jun', 'O"Brien "Jr"', 'Line\nBreak\r\nHere', '김민준', '=HYPERLINK("http://x")', '-2+3', '@SUM(A1)', '+82 10'];
const BIRTH_DATES = NAMES.map((_, i) => `1931-0${(i % 9) + 1}-1${i}`);

interface Deployment {
  stores: Stores;
  env: Record<string, string>;
  /** Every stored value of the deployment as text, whatever table or key it is in. */
  everything(): Promise<string>;
  close(): Promise<void>;
}

async function postgresDeployment(): Promise<Deployment> {
  const database = await createTestDatabase();
  const pool = createPool(database.url);
  await migrate(pool);
  const queue = createMemoryStores();
  const stores = withPostgresBookings(queue, await openPostgresBookings(database.url, queue.queue));
  return {
    stores,
    env: { BOOKINGS_URL: database.url },
    everything: async () => {
      const tables = await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
      const dumps = await Promise.all(tables.rows.map(({ table_name }) => pool.query(`SELECT t::text AS row FROM "${table_name}" t`)));
      return dumps.flatMap((dump) => dump.rows.map((row: { row: string }) => row.row)).join('\n');
    },
    close: async () => (await stores.close(), await pool.end(), await database.drop()),
  };
}

async function redisDeployment(): Promise<Deployment> {
  const prefix = uniquePrefix();
  const stores = await createRedisStores({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix });
  return {
    stores,
    env: { STORE: 'redis', REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix },
    everything: async () => {
      const redis = createClient({ url: TEST_REDIS_URL });
      await redis.connect();
      const parts: string[] = [];
      for await (const keys of redis.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 }))
        for (const key of keys) {
          const type = await redis.type(key);
          parts.push(key, type === 'hash' ? JSON.stringify(await redis.hGetAll(key)) : type === 'string' ? String(await redis.get(key)) : '');
        }
      await redis.close();
      return parts.join('\n');
    },
    close: async () => (await stores.close(), await deletePrefix(prefix)),
  };
}

function record(eventId: string, ticketNo: number, name: string, birthDate: string): BookingRecord {
  return {
    reference: `${eventId}-ref-${ticketNo}`,
    eventId,
    ticketNo,
    centerId: 'c1',
    slotId: 's1',
    name,
    birthDate,
    bookedAt: NOW - 2 * HOUR - 60_000 + ticketNo,
  };
}

async function book(stores: Stores, eventId: string): Promise<BookingRecord[]> {
  const records = NAMES.map((name, i) => record(eventId, i + 1, name, BIRTH_DATES[i]!));
  for (const r of records) {
    const request = bookingRequest(eventId, r.ticketNo, r.bookedAt, {
      reference: r.reference,
      grantId: `${eventId}-g${r.ticketNo}`,
      personKey: `pk-${eventId}-${r.ticketNo}`,
      record: r,
    });
    expect((await stores.bookings.commit(request)).kind).toBe('booked');
    expect(await stores.bookings.claimAssertion(eventId, `assertion-${eventId}-${r.ticketNo}`, request.grantId, NOW + HOUR, NOW)).toBe(true);
  }
  return records;
}

/** RFC 4180 records of `text`. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\r' && text[i + 1] === '\n') (row.push(field), rows.push(row), (row = []), (field = ''), i++);
    else field += c;
  }
  return rows;
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/main/bookings-cli.ts', ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

function configEnv(dir: string, closed: boolean): Record<string, string> {
  const window = closed ? { opensAt: NOW - 3 * HOUR, closesAt: NOW - 2 * HOUR } : { opensAt: NOW - HOUR, closesAt: NOW + HOUR };
  const file = join(dir, `config-${closed}.json`);
  writeFileSync(file, JSON.stringify({ keys: generateKeys('test'), events: [testEvent({ id: 'ev', ...window }, NOW), testEvent({ id: 'other' }, NOW)] }));
  return { WAITROOM_CONFIG: file };
}

describe.each([
  ['postgres', postgresDeployment],
  ['redis', redisDeployment],
] as const)('npm run bookings (%s)', (_name, open) => {
  let deployment: Deployment | undefined;
  afterEach(async () => {
    await deployment?.close();
    deployment = undefined;
  });

  it('exports tricky names as CSV and JSONL, and refuses unknown events and unreachable stores', { timeout: 60_000 }, async () => {
    deployment = await open();
    const records = await book(deployment.stores, 'ev');
    const dir = mkdtempSync(join(tmpdir(), 'bookings-cli-'));
    const env = { ...deployment.env, ...configEnv(dir, true) };

    const out = join(dir, 'ev.csv');
    const down: Record<string, string> = deployment.env.BOOKINGS_URL
      ? { BOOKINGS_URL: 'postgres://postgres@127.0.0.1:1/none' }
      : { REDIS_URL: 'redis://127.0.0.1:1' };
    // Each a process of its own (tsx start-up is most of the time): all at once.
    const [csv, jsonl, unknown, unreachable, badFormat] = await Promise.all([
      run(['export', '--event', 'ev', '--format', 'csv', '--out', out], env),
      run(['export', '--event', 'ev', '--format', 'jsonl'], env),
      run(['export', '--event', 'nope', '--format', 'csv'], env),
      run(['export', '--event', 'ev', '--format', 'csv'], { ...env, ...down }),
      run(['export', '--event', 'ev', '--format', 'xml'], env),
    ]);
    expect(csv).toMatchObject({ code: 0 });
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toEqual(['reference', 'event_id', 'ticket_no', 'center_id', 'slot_id', 'name', 'birth_date', 'booked_at']);
    const unguard = (cell: string) => (/^'[=+\-@]/.test(cell) ? cell.slice(1) : cell);
    const byReference = (a: { reference: string }, b: { reference: string }) => a.reference.localeCompare(b.reference);
    expect(rows.map((r) => ({ reference: r[0]!, name: unguard(r[5]!), birthDate: r[6]!, bookedAt: Date.parse(r[7]!) })).sort(byReference)).toEqual(
      records.map((r) => ({ reference: r.reference, name: r.name, birthDate: r.birthDate, bookedAt: r.bookedAt })).sort(byReference),
    );
    expect(rows.find((r) => r[0] === 'ev-ref-5')![5]).toBe(`'=HYPERLINK("http://x")`);

    expect(jsonl.code).toBe(0);
    const lines = jsonl.stdout.trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as BookingRecord).sort(byReference)).toEqual([...records].sort(byReference));
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(['reference', 'eventId', 'ticketNo', 'centerId', 'slotId', 'name', 'birthDate', 'bookedAt']);

    expect(unknown).toMatchObject({ code: 3, stderr: expect.stringContaining('EVENT_UNKNOWN') });
    expect(unreachable).toMatchObject({ code: 1, stderr: expect.stringContaining('BOOKINGS_UNREACHABLE') });
    expect(badFormat).toMatchObject({ code: 2 });
  });

  it('purges an event once closed: no name, birth date or person key left, counts kept, the other event untouched', { timeout: 60_000 }, async () => {
    deployment = await open();
    const stores = deployment.stores;
    await book(stores, 'ev');
    const others = await book(stores, 'other');
    const dir = mkdtempSync(join(tmpdir(), 'bookings-cli-'));
    const takenBefore = await stores.bookings.taken('ev');

    const env = { ...deployment.env, ...configEnv(dir, true) };
    const [notClosed, unconfirmed] = await Promise.all([
      run(['purge', '--event', 'ev', '--yes'], { ...deployment.env, ...configEnv(dir, false) }),
      run(['purge', '--event', 'ev'], env),
    ]);
    expect(notClosed).toMatchObject({ code: 4, stderr: expect.stringContaining('EVENT_NOT_CLOSED') });
    expect(unconfirmed).toMatchObject({ code: 2 });
    const purged = await run(['purge', '--event', 'ev', '--yes'], env);
    expect(purged).toMatchObject({ code: 0, stderr: expect.stringContaining(`${NAMES.length} booking(s)`) });

    const everything = await deployment.everything();
    for (let i = 0; i < NAMES.length; i++) {
      expect(everything).toContain(`ev-ref-${i + 1}`);
      expect(everything).not.toContain(`pk-ev-${i + 1}`);
      expect(everything).toContain(`pk-other-${i + 1}`);
    }
    for (const birthDate of BIRTH_DATES) expect(everything.split(birthDate).length - 1).toBe(1); // the other event's only
    expect(await stores.bookings.bookingCount('ev')).toBe(NAMES.length);
    expect(await stores.bookings.taken('ev')).toEqual(takenBefore);

    const [exported, other] = await Promise.all([
      run(['export', '--event', 'ev', '--format', 'jsonl'], env),
      run(['export', '--event', 'other', '--format', 'jsonl'], env),
    ]);
    const left = exported.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { name: unknown; birthDate: unknown });
    expect(left.filter((b) => b.name !== null || b.birthDate !== null)).toEqual([]);
    expect(left).toHaveLength(NAMES.length);
    expect(
      other.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as BookingRecord)
        .sort((a, b) => a.ticketNo - b.ticketNo),
    ).toEqual(others);
    // Run again: nothing more to remove.
    expect(await run(['purge', '--event', 'ev', '--yes'], env)).toMatchObject({ code: 0, stderr: expect.stringContaining('0 booking(s)') });
  });
});

describe('expired identity assertions (PostgreSQL)', () => {
  it('the periodic sweep deletes bindings that expired more than a minute ago, and only those', async () => {
    const database = await createTestDatabase();
    const pool = createPool(database.url);
    try {
      await migrate(pool);
      const queue = createMemoryStores();
      const bookings = (await openPostgresBookings(database.url, queue.queue)).bookings;
      const now = Date.now();
      expect(await bookings.claimAssertion('ev', 'old', 'g1', now - 120_000, now - 600_000)).toBe(true);
      expect(await bookings.claimAssertion('ev', 'live', 'g2', now + 600_000, now)).toBe(true);
      const postgres = await openPostgresBookings(database.url, queue.queue); // its opening sweep runs at once
      await new Promise((resolve) => setTimeout(resolve, 500));
      await postgres.close();
      expect((await pool.query('SELECT assertion_id FROM used_assertions ORDER BY 1')).rows).toEqual([{ assertion_id: 'live' }]);
    } finally {
      await pool.end();
      await database.drop();
    }
  });
});
