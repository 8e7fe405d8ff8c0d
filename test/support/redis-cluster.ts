/**
 * A private Redis Cluster for tests: cluster-enabled redis-servers
 * (./redis-server.ts, so each is stopped by PID) joined by
 * `redis-cli --cluster create`, with or without replicas, and the views a
 * failover test needs: who owns a slot, and the moment a replica takes over.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { READY_TIMEOUT_MS, redisCommand, startRedisServer, waitUntil, type RedisServer, type RedisServerOptions } from './redis-server.js';

export interface RedisClusterOptions {
  masters: number;
  /** Default 0. */
  replicasPerMaster?: number;
  /** `cluster-node-timeout` (default 5000): how long a master is unreachable before its replica may take over. */
  nodeTimeoutMs?: number;
  /** Given: `appendonly yes` with it; omitted: no AOF. */
  appendfsync?: RedisServerOptions['appendfsync'];
  /** Default true (Redis's own): every node refuses every command (CLUSTERDOWN) while any slot has no live master. */
  requireFullCoverage?: boolean;
}

/** One line of CLUSTER NODES. */
export interface ClusterNodeView {
  port: number;
  /** e.g. ['myself', 'master'] or ['slave', 'fail']. */
  flags: string[];
  /** The node id of its master, for a replica. */
  masterId: string | null;
  id: string;
  /** Inclusive slot ranges it owns. */
  slots: [number, number][];
}

export interface Promotion {
  /** The replica that now answers ROLE master. */
  node: RedisServer;
  /** When it won the election, by its own log line (ms); a busy test process would see it later. */
  at: number;
}

export interface RedisCluster {
  /** One redis:// URL per node (masters first): seed nodes for REDIS_CLUSTER_NODES. */
  readonly urls: string[];
  /** Masters first, then replicas, as created (a failover changes roles, not this order). */
  readonly nodes: RedisServer[];
  /** The master that owns `slot`, as a running node sees it now. */
  ownerOf(slot: number): Promise<RedisServer>;
  /** The replicas of `master`, as a running node sees it now. */
  replicasOf(master: RedisServer): Promise<RedisServer[]>;
  /** Resolves once one of `master`'s replicas (read before it died: pass them) reports itself master, and every running node reports cluster_state:ok. */
  waitForPromotion(replicas: readonly RedisServer[], timeoutMs: number): Promise<Promotion>;
  stop(): Promise<void>;
}

const PROMOTION_POLL_MS = 10;
/** Redis's log line (local time) when a replica takes over, e.g. `12:S 03 Dec 2026 17:45:12.345 # Failover election won. I'm the new master.` */
const ELECTION_WON = /(\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2}\.\d{3}) . Failover election won/;

/** When `node` logged its election, or when it was seen master if that line is not (yet) in its output. */
function electedAt(node: RedisServer, seenAt: number): number {
  const logged = ELECTION_WON.exec(node.output())?.[1];
  return logged ? Date.parse(logged) : seenAt;
}

/** CLUSTER NODES of the node on `port`, parsed. */
export async function clusterNodes(port: number): Promise<ClusterNodeView[]> {
  const text = await redisCommand(port, ['CLUSTER', 'NODES']);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.split(' ');
      return {
        id: id!,
        port: Number(/:(\d+)@/.exec(address!)![1]),
        flags: flags!.split(','),
        masterId: masterId === '-' ? null : masterId!,
        // Importing/migrating markers ("[5-<-id]") are not ownership.
        slots: slots
          .filter((s) => !s.startsWith('['))
          .map((s) => s.split('-').map(Number) as [number, number])
          .map(([from, to]) => [from, to ?? from]),
      };
    });
}

async function role(port: number): Promise<'master' | 'slave'> {
  const info = await redisCommand(port, ['INFO', 'replication']);
  return /^role:(master|slave)/m.exec(info)![1] as 'master' | 'slave';
}

function clusterOf(nodes: RedisServer[]): RedisCluster {
  const byPort = (port: number) => nodes.find((node) => node.port === port)!;
  const view = () => clusterNodes(nodes.find((node) => node.running)!.port);
  const allOk = async () => {
    for (const node of nodes.filter((n) => n.running)) if (!(await redisCommand(node.port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok')) return false;
    return true;
  };
  return {
    urls: nodes.map((node) => node.url),
    nodes,
    async ownerOf(slot) {
      const owner = (await view()).find((n) => n.flags.includes('master') && n.slots.some(([from, to]) => slot >= from && slot <= to));
      if (!owner) throw new Error(`slot ${slot} has no owner`);
      return byPort(owner.port);
    },
    async replicasOf(master) {
      const seen = await view();
      const id = seen.find((n) => n.port === master.port)!.id;
      return seen.filter((n) => n.masterId === id).map((n) => byPort(n.port));
    },
    async waitForPromotion(replicas, timeoutMs) {
      let promoted: Promotion | undefined;
      await waitUntil(
        `promotion of one of ${replicas.map((r) => r.port).join(', ')}`,
        timeoutMs,
        async () => {
          for (const replica of replicas.filter((r) => r.running))
            if ((await role(replica.port)) === 'master') promoted = { node: replica, at: electedAt(replica, Date.now()) };
          return promoted !== undefined;
        },
        PROMOTION_POLL_MS,
      );
      await waitUntil('cluster_state:ok on every running node after the promotion', timeoutMs, allOk);
      return promoted!;
    },
    stop: async () => void (await Promise.all(nodes.map((node) => node.stop()))),
  };
}

/**
 * A cluster of `masters` masters and `replicasPerMaster` replicas each
 * (`startRedisCluster(3)` is 3 masters and no replicas); resolves once every
 * node reports cluster_state:ok, knows every other node, and every replica's
 * link to its master is up.
 */
export async function startRedisCluster(options: number | RedisClusterOptions = 3): Promise<RedisCluster> {
  const { masters, replicasPerMaster = 0, nodeTimeoutMs, appendfsync, requireFullCoverage } = typeof options === 'number' ? { masters: options } : options;
  const total = masters * (1 + replicasPerMaster);
  const serverOptions: RedisServerOptions = {
    appendonly: appendfsync !== undefined,
    appendfsync,
    cluster: true,
    clusterNodeTimeoutMs: nodeTimeoutMs,
    clusterRequireFullCoverage: requireFullCoverage,
  };
  const started = await Promise.all(Array.from({ length: total }, () => startRedisServer(serverOptions)));
  const stopStarted = () => Promise.all(started.map((node) => node.stop()));
  try {
    await promisify(execFile)(
      'redis-cli',
      ['--cluster', 'create', ...started.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', String(replicasPerMaster), '--cluster-yes'],
      { timeout: READY_TIMEOUT_MS },
    );
    const ready = async (node: RedisServer) => {
      const info = await redisCommand(node.port, ['CLUSTER', 'INFO']);
      if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${total}`)) return false;
      const replication = await redisCommand(node.port, ['INFO', 'replication']);
      return replication.includes('role:master') || replication.includes('master_link_status:up');
    };
    await waitUntil(`${total} cluster nodes ok, known and in sync`, READY_TIMEOUT_MS, async () => (await Promise.all(started.map(ready))).every(Boolean));
    const roles = await Promise.all(started.map((node) => role(node.port)));
    return clusterOf([...started.filter((_, k) => roles[k] === 'master'), ...started.filter((_, k) => roles[k] === 'slave')]);
  } catch (error) {
    await stopStarted();
    throw error;
  }
}
