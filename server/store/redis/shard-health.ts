/**
 * Which Redis shards answer, and which shard holds a key (decision 026). One
 * Redis is one shard; on a Redis Cluster each master is one, named by its
 * `host:port`, and a key's shard is the master owning its slot as the client
 * knows the slot map now. An event's keys share a hash tag (./keys.ts), so an
 * event lives on exactly one shard and is served while that shard answers,
 * whatever the others do.
 */
import calculateSlot from 'cluster-key-slot';
import type { createClient, createCluster } from 'redis';

export interface ShardStatus {
  /** The master's `host:port`. */
  shard: string;
  up: boolean;
}

export interface ShardHealth {
  /** Every shard the client knows, each PINGed at once and given PING_TIMEOUT_MS to answer; never throws. */
  check(): Promise<ShardStatus[]>;
  /** The shard that holds `key`; undefined while the client has no slot map (started with the cluster away). */
  shardOf(key: string): string | undefined;
}

/** How long a shard has to answer PING before it counts as down. */
export const PING_TIMEOUT_MS = 1000;

/** True when `attempt` resolves within PING_TIMEOUT_MS; false when it rejects (disconnected, closed) or is late. */
export async function answersInTime(attempt: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([attempt().then(() => true), timeout]);
  } catch {
    // A rejected PING is the answer itself: that shard is down.
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** One Redis at `url`: one shard. */
export function singleShardHealth(url: string, client: Pick<ReturnType<typeof createClient>, 'ping'>): ShardHealth {
  const shard = new URL(url).host || url;
  return {
    check: async () => [{ shard, up: await answersInTime(() => client.ping()) }],
    shardOf: () => shard,
  };
}

type Cluster = Pick<ReturnType<typeof createCluster>, 'masters' | 'nodeClient' | 'slots'>;

/** A Redis Cluster: one shard per master in the client's slot map. */
export function clusterShardHealth(cluster: Cluster): ShardHealth {
  return {
    check: () =>
      Promise.all(
        cluster.masters.map(async (master) => ({ shard: master.address, up: await answersInTime(async () => (await cluster.nodeClient(master)).ping()) })),
      ),
    shardOf: (key) => (cluster.slots[calculateSlot(key)] as (typeof cluster.slots)[number] | undefined)?.master.address,
  };
}
