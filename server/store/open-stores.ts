/** Opens the configured store implementation. */
import type { WaitroomConfig } from '../config/schema.js';
import type { Logger } from '../observability/log.js';
import { throttledWarn } from '../observability/throttled-warn.js';
import { createMemoryStores } from './memory/index.js';
import { openPostgresBookings, withPostgresBookings } from './postgres/index.js';
import type { CommandObserver } from './redis/client.js';
import { createRedisStores } from './redis/index.js';
import type { Stores } from './types.js';

/** Redis reports every failed reconnect, a PostgreSQL store every failed queue release; one warning per this many ms is enough. */
const ERROR_LOG_INTERVAL_MS = 10_000;
/** How long a server's start waits for Redis before going on without it. */
const START_WAIT_MS = 2000;

/**
 * The queue store `kind` names; with `bookingsUrl`, bookings in PostgreSQL (whose schema must be current).
 * `now`: the process's clock; `observeCommand` is told each Redis round trip.
 */
export async function openStores(config: WaitroomConfig['store'], log: Logger, now: () => number, observeCommand?: CommandObserver): Promise<Stores> {
  if (!config.bookingsUrl) return openQueueStores(config, log, observeCommand);
  const queueStores = await openQueueStores(config, log, observeCommand);
  try {
    return withPostgresBookings(
      queueStores,
      await openPostgresBookings(config.bookingsUrl, queueStores.queue, { warn: throttledWarn(log, ERROR_LOG_INTERVAL_MS), now }),
    );
  } catch (error) {
    await queueStores.close();
    throw error;
  }
}

function openQueueStores(config: WaitroomConfig['store'], log: Logger, observeCommand?: CommandObserver): Promise<Stores> {
  if (config.kind === 'memory') return Promise.resolve(createMemoryStores());
  const warn = throttledWarn(log, ERROR_LOG_INTERVAL_MS);
  const onError = (error: Error) => warn({ err: error }, 'Redis unreachable: admitting and booking nothing until it returns');
  // A server started while Redis is down listens anyway and reports itself not ready until it returns (decision 023).
  return createRedisStores({
    redisUrl: config.redisUrl,
    clusterNodes: config.redisClusterNodes,
    keyPrefix: config.keyPrefix,
    onError,
    observeCommand,
    startWaitMs: START_WAIT_MS,
    ...(config.bookingReplicas > 0 ? { bookingReplication: { replicas: config.bookingReplicas, timeoutMs: config.bookingReplicaTimeoutMs } } : {}),
  });
}
