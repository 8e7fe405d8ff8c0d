/**
 * The flow many-client cluster tests share: join roaming clients in batches,
 * let each book as soon as it is admitted (the page stops its socket once
 * admitted, the person then books, then checks the grant cannot book again),
 * and read an event's shared figures straight from Redis, the same keys the
 * nodes use (server/store/redis/keys.ts), to assert on and time what the
 * controllers did.
 */
import { createClient } from 'redis';
import { createRedisStores } from '../../server/store/redis/index.js';
import { eventKeys, type EventKeys } from '../../server/store/redis/keys.js';
import type { Stores } from '../../server/store/types.js';
import type { AdmittedMessage } from '../../shared/protocol/messages.js';
import { bookingBody, postBookingRetried, type HttpReply } from './booking.js';
import { TEST_REDIS_URL } from './redis.js';
import { cleanUpProcesses } from './processes.js';
import { RoamingClient, type RoamingClientOptions } from './roaming-client.js';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The q-quantile (0…1) of ascending `sorted` (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The largest number of `times` (ms) falling in one `bucketMs` bucket: the peak rate a drain sends (decision 023). */
export function largestBucket(times: readonly number[], bucketMs: number): number {
  const buckets = new Map<number, number>();
  for (const t of times) buckets.set(Math.floor(t / bucketMs), (buckets.get(Math.floor(t / bucketMs)) ?? 0) + 1);
  return Math.max(0, ...buckets.values());
}

/** The most of `times` inside any window of `windowMs` (sliding, not on a grid). */
export function mostWithin(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let end = 0, start = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** Polls `test` every `intervalMs` until it holds; rejects with `what` after `timeoutMs`. */
export async function pollUntil(test: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() >= deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** Joins `count` roaming clients, `batchSize` at a time (each batch connects and joins at once). */
export async function joinInBatches(count: number, batchSize: number, options: (index: number) => RoamingClientOptions): Promise<RoamingClient[]> {
  const clients: RoamingClient[] = [];
  for (let first = 0; first < count; first += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, count - first) }, (_, k) => RoamingClient.join(options(first + k)));
    clients.push(...(await Promise.all(batch)));
  }
  return clients;
}

/** For afterAll: stops the test's clients, closes its Redis watch, then stops every node and removes their keys. */
export async function cleanUpClusterTest(clients: readonly RoamingClient[], watch: RedisWatch | null): Promise<void> {
  await Promise.allSettled(clients.map((c) => c.stop()));
  await watch?.close();
  await cleanUpProcesses();
}

/** An event's figures as the controllers last wrote them, and its lease. */
export interface EventView {
  issued: number;
  cursor: number;
  /** The meta counter, kept equal to the active set's size. */
  active: number;
  /** ZCARD of the active set (unused, unexpired grants). */
  activeSet: number;
  requeued: number;
  admittedTotal: number;
  leaseHolder: string | null;
  leaseUntil: number;
}

/** A raw node-redis client on one deployment's keys, plus its stores for the operations they offer (pause, booking count). */
export class RedisWatch {
  private constructor(
    private readonly redis: ReturnType<typeof createClient>,
    readonly stores: Stores,
    private readonly prefix: string,
  ) {}

  /** On the shared test Redis unless `redisUrl` names a private one. */
  static async open(prefix: string, redisUrl = TEST_REDIS_URL): Promise<RedisWatch> {
    const redis = createClient({ url: redisUrl });
    redis.on('error', () => {});
    await redis.connect();
    const stores = await createRedisStores({ redisUrl, keyPrefix: prefix });
    return new RedisWatch(redis, stores, prefix);
  }

  keys(eventId: string): EventKeys {
    return eventKeys(this.prefix, eventId);
  }

  /** One round trip (MULTI), so the meta figures and the set size are of the same instant. */
  async view(eventId: string): Promise<EventView> {
    const k = this.keys(eventId);
    const [meta, activeSet, lease] = (await this.redis
      .multi()
      .hmGet(k.meta, ['issued', 'cursor', 'active', 'requeued', 'admittedTotal'])
      .zCard(k.active)
      .hmGet(k.lease, ['holder', 'until'])
      .exec()) as unknown as [(string | null)[], number, (string | null)[]];
    const n = (value: string | null | undefined) => Number(value ?? 0);
    return {
      issued: n(meta[0]),
      cursor: n(meta[1]),
      active: n(meta[2]),
      activeSet,
      requeued: n(meta[3]),
      admittedTotal: n(meta[4]),
      leaseHolder: lease[0] ?? null,
      leaseUntil: n(lease[1]),
    };
  }

  /** Number of entries of the used-grants hash: grants consumed by a booking. */
  async usedGrants(eventId: string): Promise<number> {
    return this.redis.hLen(this.keys(eventId).usedGrants);
  }

  async close(): Promise<void> {
    await this.stores.close();
    await this.redis.quit();
  }
}

/** What one client's admission and booking came to. */
export interface BookingRecordOfClient {
  client: RoamingClient;
  /** The first `admitted` message the client saw. */
  admitted: AdmittedMessage;
  /** When the grant reached the test (Date.now()). */
  admittedAt: number;
  /** The booking's reply (201 expected); null when the request never got an answer. */
  booking: HttpReply | null;
  /** HTTP attempts it took (a request that threw is retried with the same body). */
  attempts: number;
  /** The same body again: the idempotent repeat (200, repeated, same reference) expected. */
  repeat: HttpReply | null;
  /** Another person with the same grant (only when asked): GRANT_USED expected. */
  otherPerson: HttpReply | null;
}

export interface BookOnAdmissionOptions {
  reservationsUrl: string;
  eventId: string;
  /** How long the client may wait for its grant. */
  admitTimeoutMs: number;
  /** Waits this long between the grant and the booking (a person filling in the form). Default 0. */
  thinkMs?: () => number;
  /** Also try the grant for a different person (expects GRANT_USED). */
  tryOtherPerson?: boolean;
}

/**
 * Waits for the client's grant, closes its socket as the page does once admitted,
 * books with the grant (retrying a request that got no answer with the same body,
 * which is idempotent), then books the same body once more.
 */
export async function bookOnAdmission(client: RoamingClient, options: BookOnAdmissionOptions): Promise<BookingRecordOfClient> {
  const admitted = await client.whenAdmitted(options.admitTimeoutMs);
  const admittedAt = Date.now();
  await client.stop();
  const think = options.thinkMs?.() ?? 0;
  if (think > 0) await sleep(think);
  const body = bookingBody(admitted.grant, client.secret, { person: { name: `Person ${admitted.ticketNo}`, birthDate: '1970-05-17' } });
  const { reply: booking, attempts } = await postBookingRetried(options.reservationsUrl, options.eventId, body);
  const repeat = booking ? (await postBookingRetried(options.reservationsUrl, options.eventId, body)).reply : null;
  const otherPerson = options.tryOtherPerson
    ? (
        await postBookingRetried(options.reservationsUrl, options.eventId, {
          ...body,
          person: { name: `Someone else ${admitted.ticketNo}`, birthDate: '1980-01-01' },
        })
      ).reply
    : null;
  return { client, admitted, admittedAt, booking, attempts, repeat, otherPerson };
}

/** Output lines of a node at pino level warn (40) or above: worth a look after a run. */
export function warningsIn(output: string): string[] {
  return output.split('\n').filter((line) => /"level":(4|5|6)0\b/.test(line));
}
