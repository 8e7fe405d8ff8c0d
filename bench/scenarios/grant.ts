/**
 * `grant`: how fast grants verify (Ed25519, one core, this process) and how
 * fast the reservation handler commits bookings with many clients booking at
 * once, with its bookings in Redis and in PostgreSQL, one and two handler
 * processes (./bookings.ts). The bookings are real: tickets issued and
 * admitted in the store, grants signed with the deployment's key, each POSTed
 * with its secret over HTTP; every one must answer 201.
 */
import { verify } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { grantPublicKeys, grantSigningKey, ticketKeyRing } from '../../server/config/keys.js';
import { EventConfig } from '../../server/config/event-schema.js';
import { TokenAuthority } from '../../server/gateway/token-authority.js';
import { verifyGrant } from '../../shared/tokens/grant.js';
import { readGrant } from '../../shared/tokens/claims.js';
import { hashSecret, newClientSecret } from '../../shared/tokens/secret.js';
import { eventConfig, type Deployment } from '../lib/deployment.js';
import { round } from '../lib/stats.js';
import {
  BENCH_SLOTS,
  BOOKING_CONCURRENCY,
  BOOKING_CONFIGS,
  describe,
  GRANTS_NEEDED,
  measureBookings,
  WINDOW_BOOKINGS,
  WINDOWS,
  type BookingMeasurement,
} from './bookings.js';

export const GRANT_EVENT = { id: 'grants', maxActive: 1_000_000, admitsPerMinute: 1_000_000, slots: BENCH_SLOTS };

export interface GrantResult {
  /** The machine's 1, 5 and 15 minute load averages as the part began and ended (other work shares the cores). */
  loadAverage: { before: number[]; after: number[] };
  verifiesPerSec: number;
  /** OpenSSL's Ed25519 verification alone on the same bytes and core: the floor verifiesPerSec is measured against. */
  rawEd25519PerSec: number;
  verifyRatioToRaw: number;
  /** Redis store, one handler, BENCH_SLOTS slots: the figure earlier runs reported. */
  bookingsPerSec: number;
  concurrency: number;
  /** Every configuration (store × handler processes × slots), measured in this run. */
  bookings: BookingMeasurement[];
  bookingRatios: {
    postgresOverRedisOneHandler: number;
    postgresOverRedisTwoHandlers: number;
    postgresOverRedisHotSlot: number;
    twoHandlersOverOneRedis: number;
    twoHandlersOverOnePostgres: number;
    /** Server-side CPU per booking (handlers, Redis, PostgreSQL backends), one handler, BENCH_SLOTS slots. */
    serverCpuPerBookingPostgresOverRedis: number;
  };
}

const VERIFY_SECONDS = 3;
const RUNNER_NODE = 1;

function benchEvent(): EventConfig {
  return EventConfig.parse(eventConfig(GRANT_EVENT, Date.now()));
}

/**
 * Verifications per second of CPU time of this process (one thread verifies), over a rotating set of
 * distinct grants: per CPU second rather than per wall second, because the machine's other processes
 * (the deployment just started) would otherwise take part of the core and of the figure.
 */
async function measureVerifies(deployment: Deployment): Promise<{ verifiesPerSec: number; rawEd25519PerSec: number }> {
  const tokens = new TokenAuthority(ticketKeyRing(deployment.keys), grantSigningKey(deployment.keys));
  const publicKeys = grantPublicKeys(deployment.keys);
  const event = benchEvent();
  const expires = Date.now() + 600_000;
  const grants = Array.from({ length: 1000 }, (_, n) => tokens.mintGrant(event, n + 1, 'x'.repeat(43), expires));
  const verifiesPerSec = await perCpuSecondAsync(
    async () => (await Promise.all(grants.map((grant) => verifyGrant(grant, publicKeys, Date.now())))).filter((v) => v.ok).length,
  );
  // The floor: OpenSSL's Ed25519 verification alone, on the same signed bytes, without parsing anything.
  const signed = grants.map((grant) => {
    const cut = grant.lastIndexOf('.');
    return {
      bytes: Buffer.from(grant.slice(0, cut), 'ascii'),
      signature: Buffer.from(grant.slice(cut + 1), 'base64url'),
      key: publicKeys.get(readGrant(grant)!.kid)!,
    };
  });
  const rawEd25519PerSec = perCpuSecond(() => signed.filter(({ bytes, signature, key }) => verify(null, bytes, key, signature)).length);
  return { verifiesPerSec, rawEd25519PerSec };
}

/** How many times a second of this process's CPU `batch` succeeds, over VERIFY_SECONDS. */
function perCpuSecond(batch: () => number): number {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let succeeded = 0;
  while (performance.now() - started < VERIFY_SECONDS * 1000) succeeded += batch();
  const cpu = process.cpuUsage(cpuBefore);
  return succeeded / ((cpu.user + cpu.system) / 1e6);
}

/** perCpuSecond for an asynchronous batch (grant verification goes through jose, which is asynchronous). */
async function perCpuSecondAsync(batch: () => Promise<number>): Promise<number> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let succeeded = 0;
  while (performance.now() - started < VERIFY_SECONDS * 1000) succeeded += await batch();
  const cpu = process.cpuUsage(cpuBefore);
  return succeeded / ((cpu.user + cpu.system) / 1e6);
}

/** Issues and admits `count` tickets in the store and returns a signed grant and secret for each. */
async function admittedGrants(deployment: Deployment, count: number): Promise<{ grant: string; secret: string }[]> {
  const { queue } = deployment.stores;
  const event = benchEvent();
  const now = Date.now();
  // The deployment's controller admits some of them too (a grant it signs is not ours to know): join a fifth more.
  await queue.joinBatch(event.id, count + Math.ceil(count / 5), now, RUNNER_NODE, event.opensAt);
  const admitted: { ticketNo: number; grantExpiresAt: number }[] = [];
  // Each step may admit a minute's worth (the token bucket refills with time; the steps' clock is ours to give).
  for (let step = 1; admitted.length < count && step < 1000; step++) {
    const result = await queue.admit(event.id, {
      now: now + step * 60_000,
      holder: 'bench',
      leaseMs: 600_000,
      nodeTimeoutMs: 600_000,
      reapDeadNodes: false,
      admitting: true,
      opensAt: event.opensAt,
      maxActive: event.maxActive,
      admitsPerMinute: event.admitsPerMinute,
      graceMs: 600_000,
      grantTtlMs: 3600_000,
      maxSteps: count,
      ratePerMinute: 0,
    });
    if (result.leader) admitted.push(...result.admitted);
  }
  await queue.releaseLease(event.id, 'bench');
  const tokens = new TokenAuthority(ticketKeyRing(deployment.keys), grantSigningKey(deployment.keys));
  return Promise.all(
    admitted.slice(0, count).map(async ({ ticketNo }) => {
      const secret = newClientSecret();
      // Valid for an hour of wall-clock time, whatever step time admitted it.
      return { secret, grant: tokens.mintGrant(event, ticketNo, await hashSecret(secret), Date.now() + 3600_000) };
    }),
  );
}

/** PostgreSQL's bookings/s over Redis's in the configuration that differs only by the store (NaN when one is missing). */
function postgresOverRedis(measured: BookingMeasurement[], handlers: number, slots: number): number {
  const rate = (store: string) => measured.find((m) => m.store === store && m.handlers === handlers && m.slots === slots)?.bookingsPerSec ?? NaN;
  return round(rate('postgres') / rate('redis'), 2);
}

/** Server-side CPU ms per booking with one handler and BENCH_SLOTS slots. */
function serverCpu(measured: BookingMeasurement[], store: string): number {
  return measured.find((m) => m.store === store && m.handlers === 1 && m.slots === BENCH_SLOTS)?.cpuMsPerBooking.server ?? NaN;
}

/** Two handlers' bookings/s over one's, same store and slots. */
function twoOverOne(measured: BookingMeasurement[], store: string): number {
  const rate = (handlers: number) => measured.find((m) => m.store === store && m.handlers === handlers && m.slots === BENCH_SLOTS)?.bookingsPerSec ?? NaN;
  return round(rate(2) / rate(1), 2);
}

export async function runGrant(deployment: Deployment, progress: (line: string) => void): Promise<GrantResult> {
  const loadBefore = loadavg();
  progress('grant: verifying grants on one core');
  const { verifiesPerSec, rawEd25519PerSec } = await measureVerifies(deployment);
  progress(`grant: issuing and admitting ${GRANTS_NEEDED} tickets`);
  const grants = await admittedGrants(deployment, GRANTS_NEEDED);
  if (grants.length !== GRANTS_NEEDED) throw new Error(`grant: ${grants.length} tickets admitted of ${GRANTS_NEEDED}`);
  progress(
    `grant: ${BOOKING_CONFIGS.length} configurations × (a warm-up and ${WINDOWS} windows of ${WINDOW_BOOKINGS} bookings), ${BOOKING_CONCURRENCY} clients at a time`,
  );
  const bookings = await measureBookings(deployment, GRANT_EVENT.id, grants, progress);
  const [redisOneHandler] = bookings;
  return {
    loadAverage: { before: loadBefore.map((load) => round(load, 2)), after: loadavg().map((load) => round(load, 2)) },
    verifiesPerSec: round(verifiesPerSec, 0),
    rawEd25519PerSec: round(rawEd25519PerSec, 0),
    verifyRatioToRaw: round(verifiesPerSec / rawEd25519PerSec, 2),
    bookingsPerSec: redisOneHandler!.bookingsPerSec,
    concurrency: BOOKING_CONCURRENCY,
    bookings,
    bookingRatios: {
      postgresOverRedisOneHandler: postgresOverRedis(bookings, 1, BENCH_SLOTS),
      postgresOverRedisTwoHandlers: postgresOverRedis(bookings, 2, BENCH_SLOTS),
      postgresOverRedisHotSlot: postgresOverRedis(bookings, 2, 1),
      twoHandlersOverOneRedis: twoOverOne(bookings, 'redis'),
      twoHandlersOverOnePostgres: twoOverOne(bookings, 'postgres'),
      serverCpuPerBookingPostgresOverRedis: round(serverCpu(bookings, 'postgres') / serverCpu(bookings, 'redis'), 2),
    },
  };
}

/** The text summary: one line per configuration, then the ratios. */
export function grantSummary(result: GrantResult): string[] {
  const lines = result.bookings.map((m) => {
    const cpu = m.cpuSeconds;
    return (
      `  ${describe(m).padEnd(36)} ${String(m.bookingsPerSec).padStart(6)}/s (${m.bookingsPerSecPerHandler}/s per handler; windows ${m.windowsBookingsPerSec.join(', ')})` +
      `  p50/p99 ${m.latencyMs.p50}/${m.latencyMs.p99} ms  CPU s: handlers ${cpu.handlers}, redis ${cpu.redis}, postgres ${cpu.postgres}, clients ${cpu.clients}, wall ${cpu.wallClock}` +
      `  CPU ms/booking: handlers ${m.cpuMsPerBooking.handlers}, server total ${m.cpuMsPerBooking.server}`
    );
  });
  const r = result.bookingRatios;
  return [
    `grant: load average ${result.loadAverage.before.join(' ')} before, ${result.loadAverage.after.join(' ')} after (${cpus().length} cores)`,
    `grant: verifies ${result.verifiesPerSec}/CPU s (${result.verifyRatioToRaw} of bare Ed25519 ${result.rawEd25519PerSec}); bookings (median of ${WINDOWS} windows of ${WINDOW_BOOKINGS}):`,
    ...lines,
    `  PostgreSQL/Redis: ${r.postgresOverRedisOneHandler} (1 handler), ${r.postgresOverRedisTwoHandlers} (2 handlers), ${r.postgresOverRedisHotSlot} (2 handlers, one hot slot); ` +
      `2 handlers/1: Redis ${r.twoHandlersOverOneRedis}, PostgreSQL ${r.twoHandlersOverOnePostgres}; server CPU per booking PostgreSQL/Redis ${r.serverCpuPerBookingPostgresOverRedis}`,
  ];
}
