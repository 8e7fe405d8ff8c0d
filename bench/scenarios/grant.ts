/**
 * `grant`: how fast grants verify (Ed25519, one core, this process) and how
 * fast the reservation handler commits bookings against Redis with many
 * clients booking at once. The bookings are real: tickets issued and admitted
 * in the store, grants signed with the deployment's key, each POSTed with its
 * secret over HTTP; every one must answer 201.
 */
import { verify } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { grantPublicKeys, grantSigningKey, ticketKeyRing } from '../../server/config/keys.js';
import { EventConfig } from '../../server/config/event-schema.js';
import { TokenAuthority } from '../../server/gateway/token-authority.js';
import { verifyGrant } from '../../shared/tokens/grant.js';
import { readGrant } from '../../shared/tokens/claims.js';
import { hashSecret, newClientSecret } from '../../shared/tokens/secret.js';
import { cpuSecondsOf, type Deployment } from '../lib/deployment.js';
import { round } from '../lib/stats.js';

export const GRANT_EVENT = { id: 'grants', maxActive: 1_000_000, admitsPerMinute: 1_000_000 };

export interface GrantResult {
  verifiesPerSec: number;
  /** OpenSSL's Ed25519 verification alone on the same bytes and core: the floor verifiesPerSec is measured against. */
  rawEd25519PerSec: number;
  verifyRatioToRaw: number;
  bookingsPerSec: number;
  bookings: number;
  concurrency: number;
  /** CPU seconds (user + system) each party used during the bookings, to see which one bounds the rate. */
  bookingCpuSeconds: { reservationHandler: number; redis: number; bookingClients: number; wallClock: number };
}

const VERIFY_SECONDS = 3;
const BOOKING_CONCURRENCY = 128;
const RUNNER_NODE = 1;

function benchEvent(): EventConfig {
  const now = Date.now();
  return EventConfig.parse({
    id: GRANT_EVENT.id,
    title: 'Grants',
    opensAt: now - 60_000,
    closesAt: now + 3600_000,
    maxActive: GRANT_EVENT.maxActive,
    admitsPerMinute: GRANT_EVENT.admitsPerMinute,
    centers: [{ id: 'c1', name: 'Bench center', slots: [{ id: 's1', label: '09:00', capacity: 10_000_000 }] }],
  });
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
  await queue.joinBatch(event.id, count, now, RUNNER_NODE, event.opensAt);
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
    admitted.map(async ({ ticketNo }) => {
      const secret = newClientSecret();
      // Valid for an hour of wall-clock time, whatever step time admitted it.
      return { secret, grant: tokens.mintGrant(event, ticketNo, await hashSecret(secret), Date.now() + 3600_000) };
    }),
  );
}

/**
 * One booking over node:http with a keep-alive agent: measured lighter on the
 * client side than fetch (undici), whose CPU bounded the rate at ~1,800/s here.
 */
function book(agent: Agent, url: URL, grant: string, secret: string, n: number): Promise<void> {
  const body = JSON.stringify({ grant, secret, person: { name: `Bench person ${n}`, birthDate: '1970-01-01' }, centerId: 'c1', slotId: 's1' });
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          response.statusCode === 201 ? resolve() : reject(new Error(`booking ${n}: HTTP ${response.statusCode} ${Buffer.concat(chunks).toString()}`)),
        );
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

export async function runGrant(deployment: Deployment, bookings: number, progress: (line: string) => void): Promise<GrantResult> {
  progress('grant: verifying grants on one core');
  const { verifiesPerSec, rawEd25519PerSec } = await measureVerifies(deployment);
  progress(`grant: issuing and admitting ${bookings} tickets`);
  const grants = await admittedGrants(deployment, bookings);
  const url = new URL(`${deployment.reservations.url}/api/events/${GRANT_EVENT.id}/bookings`);
  const agent = new Agent({ keepAlive: true, maxSockets: BOOKING_CONCURRENCY });
  progress(`grant: ${grants.length} bookings, ${BOOKING_CONCURRENCY} at a time`);
  let next = 0;
  const cpuBefore = { handler: await cpuSecondsOf(deployment.reservations.pid), redis: await cpuSecondsOf(deployment.redis.pid), self: process.cpuUsage() };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BOOKING_CONCURRENCY }, async () => {
      for (let n = next++; n < grants.length; n = next++) await book(agent, url, grants[n]!.grant, grants[n]!.secret, n);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const self = process.cpuUsage(cpuBefore.self);
  agent.destroy();
  const bookingCpuSeconds = {
    reservationHandler: round((await cpuSecondsOf(deployment.reservations.pid)) - cpuBefore.handler, 2),
    redis: round((await cpuSecondsOf(deployment.redis.pid)) - cpuBefore.redis, 2),
    bookingClients: round((self.user + self.system) / 1e6, 2),
    wallClock: round(seconds, 2),
  };
  const committed = await deployment.stores.bookings.bookingCount(GRANT_EVENT.id);
  if (committed !== grants.length) throw new Error(`grant: ${committed} bookings stored for ${grants.length} answered 201`);
  return {
    verifiesPerSec: round(verifiesPerSec, 0),
    rawEd25519PerSec: round(rawEd25519PerSec, 0),
    verifyRatioToRaw: round(verifiesPerSec / rawEd25519PerSec, 2),
    bookingsPerSec: round(grants.length / seconds, 0),
    bookings: grants.length,
    concurrency: BOOKING_CONCURRENCY,
    bookingCpuSeconds,
  };
}
