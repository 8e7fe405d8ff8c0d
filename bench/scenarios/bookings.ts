/**
 * Bookings per second of the reservation handler with its bookings in Redis
 * and in PostgreSQL, with one and with two handler processes, side by side in
 * one run (issue 15). Every configuration's handlers run for the whole part
 * and the timed windows of the configurations are interleaved (one window of
 * each, then again), so load that other work puts on the machine meanwhile
 * falls on every configuration alike and the ratios between them hold. Each
 * booking is a real one (an admitted ticket, a signed grant, its secret, a
 * person of its own), spread over several slots of one center, or all on one
 * hot slot; every one must answer 201.
 */
import { Agent, request as httpRequest } from 'node:http';
import { PostgresBookingStore } from '../../server/store/postgres/booking-store.js';
import { backendCpuBetween, createBookingsDatabase, type BookingsDatabase } from '../lib/bookings-database.js';
import { cpuSecondsOf, type Deployment, type Gateway } from '../lib/deployment.js';
import { median, quantile, round } from '../lib/stats.js';
import { stopAll } from '../../test/support/processes.js';

export type BookingStoreKind = 'redis' | 'postgres';

export interface BookingConfig {
  store: BookingStoreKind;
  handlers: number;
  /** Slots the bookings spread over, round-robin (1: every booking on the same slot row). */
  slots: number;
}

export interface BookingMeasurement extends BookingConfig {
  /** Median over the timed windows. */
  bookingsPerSec: number;
  bookingsPerSecPerHandler: number;
  windowsBookingsPerSec: number[];
  /** Bookings in the timed windows (the warm-up's not counted). */
  bookings: number;
  latencyMs: { p50: number; p99: number };
  /** CPU seconds (user + system) each party used over the timed windows. */
  cpuSeconds: { handlers: number; redis: number; postgres: number; clients: number; wallClock: number };
  /**
   * CPU milliseconds a booking cost each server-side party, and all of them together: unlike bookings/s, this
   * hardly moves with what else the machine runs, so it is the figure to compare across runs.
   */
  cpuMsPerBooking: { handlers: number; redis: number; postgres: number; server: number };
}

export interface Grant {
  grant: string;
  secret: string;
}

export const BOOKING_CONCURRENCY = 128;
export const WINDOWS = 5;
export const WINDOW_BOOKINGS = 1000;
const WARM_UP_BOOKINGS = 300;
/** Slots of the bench event's one center; the spread configurations use all of them. */
export const BENCH_SLOTS = 8;

export const BOOKING_CONFIGS: BookingConfig[] = [
  { store: 'redis', handlers: 1, slots: BENCH_SLOTS },
  { store: 'postgres', handlers: 1, slots: BENCH_SLOTS },
  { store: 'redis', handlers: 2, slots: BENCH_SLOTS },
  { store: 'postgres', handlers: 2, slots: BENCH_SLOTS },
  { store: 'redis', handlers: 2, slots: 1 },
  { store: 'postgres', handlers: 2, slots: 1 },
];

/** Tickets measureBookings uses. */
export const GRANTS_NEEDED = BOOKING_CONFIGS.length * (WARM_UP_BOOKINGS + WINDOWS * WINDOW_BOOKINGS);

interface Answer {
  status: number;
  body: string;
  ms: number;
}

/**
 * One booking over node:http with a keep-alive agent: measured lighter on the
 * client side than fetch (undici), whose CPU bounded the rate at ~1,800/s here.
 * Resolves with whatever the handler answered (status 0: no answer).
 */
function book(agent: Agent, url: URL, { grant, secret }: Grant, n: number, slotId: string): Promise<Answer> {
  const body = JSON.stringify({ grant, secret, person: { name: `Bench person ${n}`, birthDate: '1970-01-01' }, centerId: 'c1', slotId });
  const started = performance.now();
  return new Promise((resolve) => {
    const request = httpRequest(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - started }));
      },
    );
    request.once('error', (error) => resolve({ status: 0, body: error.message, ms: performance.now() - started }));
    request.end(body);
  });
}

interface Window {
  seconds: number;
  latenciesMs: number[];
  cpu: BookingMeasurement['cpuSeconds'];
}

/** A configuration while it runs: its handlers, and the grants and person numbers it books with next. */
interface Running {
  config: BookingConfig;
  handlers: Gateway[];
  grants: Grant[];
  used: number;
  windows: Window[];
}

/** Books `count` of the configuration's grants, BOOKING_CONCURRENCY at a time split across its handlers; throws on any answer but 201. */
async function bookWindow(running: Running, count: number, firstPerson: number, eventId: string): Promise<Omit<Window, 'cpu'>> {
  const urls = running.handlers.map((handler) => new URL(`${handler.url}/api/events/${eventId}/bookings`));
  const agent = new Agent({ keepAlive: true, maxSockets: BOOKING_CONCURRENCY });
  const grants = running.grants.slice(running.used, running.used + count);
  if (grants.length < count) throw new Error(`bookings: ${grants.length} grants left for a window of ${count}`);
  running.used += count;
  const latenciesMs: number[] = [];
  const refused = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BOOKING_CONCURRENCY }, async (_, client) => {
      const url = urls[client % urls.length]!;
      for (let n = next++; n < grants.length; n = next++) {
        const slotId = `s${((firstPerson + n) % running.config.slots) + 1}`;
        const answer = await book(agent, url, grants[n]!, firstPerson + n, slotId);
        latenciesMs.push(answer.ms);
        if (answer.status !== 201) {
          const key = `HTTP ${answer.status} ${answer.body.slice(0, 120)}`;
          refused.set(key, (refused.get(key) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  if (refused.size > 0) {
    const tally = [...refused].map(([answer, times]) => `${times} × ${answer}`).join('; ');
    throw new Error(`bookings (${describe(running.config)}): ${[...refused.values()].reduce((a, b) => a + b, 0)} of ${count} not 201: ${tally}`);
  }
  return { seconds, latenciesMs };
}

/** One timed window with the CPU of every party read around it. */
async function timedWindow(running: Running, deployment: Deployment, database: BookingsDatabase, firstPerson: number, eventId: string): Promise<Window> {
  const handlerPids = running.handlers.map((handler) => handler.pid);
  const before = {
    handlers: await cpuSecondsOf(...handlerPids),
    redis: await cpuSecondsOf(deployment.redis.pid),
    postgres: await database.backendCpu(),
    self: process.cpuUsage(),
  };
  const window = await bookWindow(running, WINDOW_BOOKINGS, firstPerson, eventId);
  const self = process.cpuUsage(before.self);
  return {
    ...window,
    cpu: {
      handlers: (await cpuSecondsOf(...handlerPids)) - before.handlers,
      redis: (await cpuSecondsOf(deployment.redis.pid)) - before.redis,
      postgres: backendCpuBetween(before.postgres, await database.backendCpu()),
      clients: (self.user + self.system) / 1e6,
      wallClock: window.seconds,
    },
  };
}

export function describe(config: BookingConfig): string {
  return `${config.store}, ${config.handlers} handler${config.handlers > 1 ? 's' : ''}, ${config.slots === 1 ? 'one hot slot' : `${config.slots} slots`}`;
}

function summarise({ config, handlers, windows }: Running): BookingMeasurement {
  const rates = windows.map((w) => WINDOW_BOOKINGS / w.seconds);
  const latencies = windows.flatMap((w) => w.latenciesMs);
  const sum = (pick: (cpu: Window['cpu']) => number) =>
    round(
      windows.reduce((total, w) => total + pick(w.cpu), 0),
      2,
    );
  const bookingsPerSec = median(rates);
  const bookings = windows.length * WINDOW_BOOKINGS;
  const perBooking = (pick: (cpu: Window['cpu']) => number) => round((windows.reduce((total, w) => total + pick(w.cpu), 0) * 1000) / bookings, 3);
  return {
    ...config,
    bookingsPerSec: round(bookingsPerSec, 0),
    bookingsPerSecPerHandler: round(bookingsPerSec / handlers.length, 0),
    windowsBookingsPerSec: rates.map((rate) => round(rate, 0)),
    bookings,
    latencyMs: { p50: round(quantile(latencies, 0.5), 1), p99: round(quantile(latencies, 0.99), 1) },
    cpuMsPerBooking: {
      handlers: perBooking((c) => c.handlers),
      redis: perBooking((c) => c.redis),
      postgres: perBooking((c) => c.postgres),
      server: perBooking((c) => c.handlers + c.redis + c.postgres),
    },
    cpuSeconds: {
      handlers: sum((c) => c.handlers),
      redis: sum((c) => c.redis),
      postgres: sum((c) => c.postgres),
      clients: sum((c) => c.clients),
      wallClock: sum((c) => c.wallClock),
    },
  };
}

/** The stored bookings of each store must be exactly those answered 201. */
async function checkStored(deployment: Deployment, database: BookingsDatabase, eventId: string, answered: Record<BookingStoreKind, number>): Promise<void> {
  const stores = { redis: deployment.stores.bookings, postgres: new PostgresBookingStore(database.pool, deployment.stores.queue) };
  for (const kind of ['redis', 'postgres'] as const) {
    const stored = await stores[kind].bookingCount(eventId);
    const taken = [...(await stores[kind].taken(eventId)).values()].reduce((a, b) => a + b, 0);
    if (stored !== answered[kind] || taken !== answered[kind]) {
      throw new Error(`bookings: ${kind} stores ${stored} bookings and ${taken} slot units for ${answered[kind]} answered 201`);
    }
  }
}

/**
 * Runs every configuration of BOOKING_CONFIGS on `grants` (GRANTS_NEEDED of them, admitted in the deployment's
 * queue): a warm-up window each, then WINDOWS timed windows each, interleaved.
 */
export async function measureBookings(
  deployment: Deployment,
  eventId: string,
  grants: Grant[],
  progress: (line: string) => void,
): Promise<BookingMeasurement[]> {
  const database = await createBookingsDatabase();
  const started: Gateway[] = [];
  try {
    progress(`bookings: fresh PostgreSQL database ${database.name}, migrated`);
    const perConfig = WARM_UP_BOOKINGS + WINDOWS * WINDOW_BOOKINGS;
    const running: Running[] = [];
    // One set of handlers per store, the one-handler configuration using the first of them.
    const [redis, postgres] = await Promise.all([
      deployment.startReservationHandlers(2),
      deployment.startReservationHandlers(2, { BOOKINGS_URL: database.url }),
    ]);
    const handlersOf: Record<BookingStoreKind, Gateway[]> = { redis, postgres };
    started.push(...redis, ...postgres);
    progress('bookings: 2 handlers on Redis bookings and 2 on PostgreSQL bookings started; warming up');
    for (const [i, config] of BOOKING_CONFIGS.entries()) {
      running.push({
        config,
        handlers: handlersOf[config.store].slice(0, config.handlers),
        grants: grants.slice(i * perConfig, (i + 1) * perConfig),
        used: 0,
        windows: [],
      });
    }
    const answered = { redis: 0, postgres: 0 };
    let person = 0;
    for (const config of running) {
      await bookWindow(config, WARM_UP_BOOKINGS, person, eventId);
      person += WARM_UP_BOOKINGS;
      answered[config.config.store] += WARM_UP_BOOKINGS;
    }
    for (let window = 1; window <= WINDOWS; window++) {
      for (const config of running) {
        const measured = await timedWindow(config, deployment, database, person, eventId);
        config.windows.push(measured);
        person += WINDOW_BOOKINGS;
        answered[config.config.store] += WINDOW_BOOKINGS;
      }
      progress(
        `bookings: window ${window} of ${WINDOWS}: ${running.map((c) => `${describe(c.config)} ${round(WINDOW_BOOKINGS / c.windows.at(-1)!.seconds, 0)}/s`).join('; ')}`,
      );
    }
    await checkStored(deployment, database, eventId, answered);
    return running.map(summarise);
  } finally {
    // Before the database goes, so no handler sees its connections cut.
    await stopAll(started);
    await database.drop();
  }
}
