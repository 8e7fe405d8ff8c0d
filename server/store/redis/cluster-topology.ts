/**
 * Following a Redis Cluster's topology (docs/decisions/025): node-redis reads
 * the slot map at connect and again only on MOVED, and a dead master answers
 * nothing, so without this its slots would point at it for ever (no offline
 * queue: every command fails at once, never reaching the promoted replica).
 * Here the map is read again after any failure that may mean it is stale, at
 * most once per REFRESH_GAP_MS, and every REFRESH_EVERY_MS regardless; and a
 * start whose seeds are all down keeps trying them instead of giving up.
 */
import { createCluster, ErrorReply, RootNodesUnavailableError } from 'redis';

type Cluster = ReturnType<typeof createCluster>;
type SocketOptions = NonNullable<NonNullable<Parameters<typeof createCluster>[0]['defaults']>['socket']>;

/** The fewest milliseconds between two reads of the slot map (measured: decision 025). */
export const REFRESH_GAP_MS = 250;
/** The slot map is read this often even when nothing failed (a quiet process, a command stuck connecting). */
export const REFRESH_EVERY_MS = 5000;

/**
 * The cluster client's options, for the stores and for the start-up checks.
 * `minimizeConnections`: discovery does not wait to connect to every master
 * (one that is down would hold a start, or a slot map refresh, until it came
 * back); a master is connected on first use.
 */
export function clusterOptions(seedUrls: readonly string[], socket: SocketOptions) {
  return {
    rootNodes: seedUrls.map((url) => ({ url })),
    minimizeConnections: true,
    defaults: { disableOfflineQueue: true, socket },
  };
}

/**
 * Whether a failed command may mean the slot map is stale: no answer at all
 * (offline, closed, refused, timed out; not connected yet) or CLUSTERDOWN. Any
 * other Redis reply (NOSCRIPT, a script's error) is an answer from the right node.
 */
export function mayBeStale(error: unknown): boolean {
  return !(error instanceof ErrorReply) || error.message.startsWith('CLUSTERDOWN');
}

/** Thrown for a command while no seed has answered yet. */
export class ClusterNotReachedError extends Error {
  readonly code = 'REDIS_CLUSTER_NOT_REACHED';
}

export interface TopologyFollower {
  /** Settles once the cluster is first reached (never rejects; settles unreached when stopped first). */
  readonly opened: Promise<void>;
  readonly reached: boolean;
  /** Told every failed command. */
  failed(error: unknown): void;
  stop(): void;
}

/**
 * Connects `cluster` (again and again, `retryDelay(retries)` apart, until a
 * seed answers) and keeps its slot map current; `onError` hears each failure.
 */
export function followTopology(cluster: Cluster, retryDelay: (retries: number) => number, onError: (error: Error) => void): TopologyFollower {
  let stopped = false;
  let reached = false;
  let refreshing = false;
  let lastRefresh = -Infinity;
  let timer: NodeJS.Timeout | undefined;

  const refresh = () => {
    if (stopped || !reached || refreshing || performance.now() - lastRefresh < REFRESH_GAP_MS) return;
    // Asked first: a master that answers (a dead one would cost a connect timeout); node-redis then tries the seeds.
    const masters = cluster.masters.filter((master) => master.client);
    const askFirst = (masters.find((master) => master.client!.isReady) ?? masters[0])?.client;
    if (!askFirst) return;
    refreshing = true;
    lastRefresh = performance.now();
    cluster._slots
      .rediscover(askFirst)
      .catch((error: Error) => onError(error))
      .finally(() => (refreshing = false));
  };

  const opened = (async () => {
    for (let retries = 0; !stopped; retries++) {
      try {
        await cluster.connect();
        // Closed while this attempt was under way: what it opened is not wanted.
        if (stopped) return cluster.destroy();
        reached = true;
        timer = setInterval(refresh, REFRESH_EVERY_MS).unref();
        return;
      } catch (error) {
        // Each seed's failure was already reported through the cluster's 'error' event.
        if (!(error instanceof RootNodesUnavailableError)) onError(error as Error);
        await new Promise((resolve) => setTimeout(resolve, retryDelay(retries)).unref());
      }
    }
  })();

  return {
    opened,
    get reached() {
      return reached;
    },
    failed: (error) => {
      if (mayBeStale(error)) refresh();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
