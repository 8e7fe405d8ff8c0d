/**
 * The system under test, as production runs it: a private redis-server,
 * gateway processes (each its own PID, under the open-file cap), one
 * controller and the reservation handler, all on loopback, all stopped by
 * PID. Gateways run with --expose-gc so their memory can be read after a
 * collection (SIGUSR2, server/main/run.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeys } from '../../server/config/keys.js';
import type { WaitroomConfigInput } from '../../server/config/schema.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import type { Stores } from '../../server/store/types.js';
import { startNode, stopAll, type NodeProcess } from '../../test/support/processes.js';
import { startRedisServer, stopRedisServers, type RedisServer } from '../../test/support/redis-server.js';

export { cpuSecondsOf, memoryAfterGc, rssAfterGc, rssOf } from '../../test/support/process-stats.js';

export interface BenchEvent {
  id: string;
  maxActive: number;
  admitsPerMinute: number;
  grantTtlSeconds?: number;
  slotCapacity?: number;
  /** Slots at the one center, s1..sN (default 1), each of slotCapacity. */
  slots?: number;
}

export interface DeploymentOptions {
  nodes: number;
  transport: 'uws' | 'ws';
  tickMs: number;
  events: BenchEvent[];
}

export interface Gateway extends NodeProcess {
  port: number;
  url: string;
  wsUrl: string;
}

export interface Deployment {
  redis: RedisServer;
  gateways: Gateway[];
  controller: NodeProcess;
  reservations: Gateway;
  keys: ReturnType<typeof generateKeys>;
  /** The runner's own connection to the same store (pausing, seeding tickets). */
  stores: Stores;
  prefix: string;
  /**
   * More reservation handlers on the same config and Redis (`env` added to theirs, e.g. BOOKINGS_URL);
   * stopped by `stop` at the latest, or earlier by the caller with stopAll.
   */
  startReservationHandlers(count: number, env?: NodeJS.ProcessEnv): Promise<Gateway[]>;
  stop(): Promise<void>;
}

/** A bench event as the config file holds it (the scenarios parse the same with EventConfig). */
export function eventConfig(event: BenchEvent, now: number) {
  return {
    id: event.id,
    title: { ko: '벤치마크', en: 'Benchmark' },
    opensAt: now - 60_000,
    closesAt: now + 24 * 3600_000,
    maxActive: event.maxActive,
    admitsPerMinute: event.admitsPerMinute,
    grantTtlSeconds: event.grantTtlSeconds ?? 600,
    graceSeconds: 30,
    centers: [
      {
        id: 'c1',
        name: 'Bench center',
        slots: Array.from({ length: event.slots ?? 1 }, (_, i) => ({ id: `s${i + 1}`, label: `${9 + i}:00`, capacity: event.slotCapacity ?? 10_000_000 })),
      },
    ],
  };
}

/**
 * The load generators open up to ~20,000 connections and thousands of joins a second from each of a few
 * 127.0.x.y addresses: to the gateways' per-address limits they are one big carrier-grade NAT (docs/protocol.md §8).
 */
export const LOAD_GENERATOR_ADDRESSES = { cidr: '127.0.0.0/8', maxConnections: 1_000_000, joinsPerMinute: 1_000_000, keylessJoinsPerMinute: 1_000_000 };

export async function startDeployment(options: DeploymentOptions): Promise<Deployment> {
  const redis = await startRedisServer({ appendonly: false });
  const prefix = 'bench';
  const keys = generateKeys('bench');
  const now = Date.now();
  const config: WaitroomConfigInput = {
    logLevel: 'info',
    gateway: { transport: options.transport, tickMs: options.tickMs, idleTimeoutSeconds: 960, natRanges: [LOAD_GENERATOR_ADDRESSES] },
    store: { kind: 'redis', redisUrl: redis.url, keyPrefix: prefix },
    // The benchmark's own Redis does not fsync every write (server/store/redis/durability.ts).
    bookings: { allowUnsafeDurability: true },
    keys,
    events: options.events.map((event) => eventConfig(event, now)),
  };
  const dir = await mkdtemp(join(tmpdir(), 'waitroom-bench-'));
  const configFile = join(dir, 'waitroom.json');
  await writeFile(configFile, JSON.stringify(config));
  const env = { REDIS_URL: redis.url, NODE_OPTIONS: '--expose-gc', LOG_LEVEL: 'info' };
  const started: NodeProcess[] = [];
  try {
    const reservations = await startNode({ role: 'reservations', name: 'reservations', configFile, env });
    started.push(reservations);
    const gateways: Gateway[] = [];
    for (let i = 1; i <= options.nodes; i++) {
      const gateway = await startNode({
        role: 'gateway',
        name: `gateway-${i}`,
        configFile,
        noController: true,
        env: { ...env, RESERVATIONS_URL: reservations.url },
      });
      started.push(gateway);
      gateways.push(gateway);
    }
    const controller = await startNode({ role: 'controller', name: 'controller', configFile, env });
    started.push(controller);
    const stores = await createRedisStores({ redisUrl: redis.url, keyPrefix: prefix });
    return {
      redis,
      gateways,
      controller,
      reservations,
      keys,
      stores,
      prefix,
      startReservationHandlers: async (count, extraEnv = {}) => {
        const first = started.length;
        const handlers = await Promise.all(
          Array.from({ length: count }, (_, i) =>
            startNode({ role: 'reservations', name: `reservations-${first + i + 1}`, configFile, env: { ...env, ...extraEnv } }).then((handler) => {
              started.push(handler);
              return handler;
            }),
          ),
        );
        return handlers;
      },
      stop: async () => {
        await stores.close();
        await stopAll(started, 5000);
        await stopRedisServers();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll(started, 2000);
    await stopRedisServers();
    throw error;
  }
}

/** An event's waitroom_publish_duration_seconds buckets on one gateway: upper bound (s) → observations at or below it, cumulative. */
export type PublishBuckets = ReadonlyMap<number, number>;

export async function publishBuckets(gateway: Gateway, eventId: string): Promise<PublishBuckets> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('waitroom_publish_duration_seconds_bucket{') || !line.includes(`event="${eventId}"`)) continue;
    const le = /le="([^"]+)"/.exec(line)![1]!;
    buckets.set(le === '+Inf' ? Infinity : Number(le), Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return buckets;
}

/** How many ticks were published between two readings of the buckets. */
export function publishCount(before: PublishBuckets, after: PublishBuckets): number {
  return (after.get(Infinity) ?? Number.NaN) - (before.get(Infinity) ?? 0);
}

/**
 * The q-quantile of the publishes between two readings, in milliseconds, interpolated
 * linearly inside its bucket as PromQL's histogram_quantile does (NaN when none).
 */
export function publishQuantileMs(before: PublishBuckets, after: PublishBuckets, q: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = publishCount(before, after);
  if (!(total > 0)) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bound of bounds) {
    const count = after.get(bound)! - (before.get(bound) ?? 0);
    if (count >= rank) {
      if (bound === Infinity) return lowerBound * 1000;
      return (lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / Math.max(count - lowerCount, 1)) * 1000;
    }
    [lowerBound, lowerCount] = [bound, count];
  }
  return Number.NaN;
}
