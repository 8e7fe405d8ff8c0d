/**
 * The Redis side of server/store/booking-admin.ts. An event's bookings are one hash (reference →
 * record JSON, ./keys.ts `bookings`), so listing is HSCAN, a page at a time: cheap, and safe beside
 * a running handler. Purge walks the three hashes that hold a person (the records, `people`:
 * person key → reference, and `usedGrants`, whose fingerprints embed the person key) page by page,
 * deciding each entry by its booking's bookedAt, so it keeps nothing in memory and can be run again
 * after an interruption. Identity-assertion bindings are keys with the assertion's expiry as TTL:
 * Redis deletes them itself, and finding them early would mean a SCAN of the whole keyspace.
 */
import type { WaitroomConfig } from '../../config/schema.js';
import { BookingAdminError, PAGE_SIZE, withoutPersonalData, type BookingAdmin, type PurgeCounts, type StoredBooking } from '../booking-admin.js';
import { connectRedis, connectRedisCluster, type RedisConnection } from './client.js';
import { assertKeyPart, eventKeys } from './keys.js';

const PURGED_FINGERPRINT = 'purged';
const CONNECT_TIMEOUT_MS = 3000;

export async function openRedisAdmin(store: WaitroomConfig['store']): Promise<BookingAdmin> {
  assertKeyPart('key prefix', store.keyPrefix);
  const connecting = store.redisClusterNodes?.length ? connectRedisCluster(store.redisClusterNodes, () => {}) : connectRedis(store.redisUrl, () => {});
  // The connection retries for ever; a command-line run gives up after CONNECT_TIMEOUT_MS (and exits, ending the retries).
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
  });
  let redis: RedisConnection;
  try {
    redis = await Promise.race([connecting, timeout]);
  } catch (error) {
    throw new BookingAdminError('BOOKINGS_UNREACHABLE', `Redis is unreachable: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  const keys = (eventId: string) => eventKeys(store.keyPrefix, eventId);
  return {
    list: (eventId) => listBookings(redis, keys(eventId).bookings),
    bookingCount: (eventId) => redis.hLen(keys(eventId).bookings),
    purge: (eventId, before) => purgeBookings(redis, keys(eventId), before),
    close: () => redis.close(),
  };
}

async function* hashPages(redis: RedisConnection, key: string): AsyncGenerator<{ field: string; value: string }[]> {
  let cursor = '0';
  do {
    const page = await redis.hScan(key, cursor, PAGE_SIZE);
    cursor = page.cursor;
    if (page.entries.length > 0) yield page.entries;
  } while (cursor !== '0');
}

async function* listBookings(redis: RedisConnection, key: string): AsyncGenerator<StoredBooking> {
  for await (const page of hashPages(redis, key)) for (const entry of page) yield JSON.parse(entry.value) as StoredBooking;
}

async function purgeBookings(redis: RedisConnection, k: ReturnType<typeof eventKeys>, before: number | null): Promise<PurgeCounts> {
  const inScope = (record: StoredBooking | undefined) => record !== undefined && (before === null || record.bookedAt < before);
  /** The records of `references`, in order (undefined for a missing one). */
  const recordsOf = async (references: string[]) =>
    (await redis.hmGet(k.bookings, references)).map((json) => (json === null ? undefined : (JSON.parse(json) as StoredBooking)));

  for await (const page of hashPages(redis, k.usedGrants)) {
    const grants = page.map(({ field, value }) => ({ grantId: field, stored: JSON.parse(value) as [string, string] }));
    const records = await recordsOf(grants.map((grant) => grant.stored[0]));
    const writes = grants.filter((grant, i) => grant.stored[1] !== PURGED_FINGERPRINT && inScope(records[i]));
    await Promise.all(writes.map((grant) => redis.hSet(k.usedGrants, grant.grantId, JSON.stringify([grant.stored[0], PURGED_FINGERPRINT]))));
  }
  for await (const page of hashPages(redis, k.people)) {
    const records = await recordsOf(page.map((entry) => entry.value));
    const gone = page.filter((_, i) => inScope(records[i])).map((entry) => entry.field);
    if (gone.length > 0) await redis.hDel(k.people, gone);
  }
  let bookings = 0;
  for await (const page of hashPages(redis, k.bookings)) {
    const writes = page
      .map(({ field, value }) => ({ reference: field, record: JSON.parse(value) as StoredBooking }))
      .filter(({ record }) => inScope(record) && (record.name !== undefined || record.birthDate !== undefined));
    await Promise.all(writes.map(({ reference, record }) => redis.hSet(k.bookings, reference, JSON.stringify(withoutPersonalData(record)))));
    bookings += writes.length;
  }
  return { bookings, assertions: 0 };
}
