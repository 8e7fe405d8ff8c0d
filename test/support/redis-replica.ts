/**
 * A private master and a replica linked to it (REPLICAOF), both redis-servers
 * of test/support/redis-server.ts (stopped by its stopRedisServers()). The
 * replica can be frozen (SIGSTOP of its PID: its link stays open, it just
 * acknowledges nothing, as a replica stuck on a slow disk or a partition would)
 * and thawed again; or its link can go through a proxy that stalls.
 */
import { redisCommand, startRedisServer, waitUntil, type RedisServer, type RedisServerOptions } from './redis-server.js';
import { startStallProxy, type StallProxy } from './stall-proxy.js';

const LINK_TIMEOUT_MS = 10_000;

export interface ReplicatedRedis {
  master: RedisServer;
  replica: RedisServer;
  /** SIGSTOP: the replica stops acknowledging (and applying) the master's writes. */
  freezeReplica(): void;
  /** SIGCONT, then resolves once the replica has caught up with the master's offset. */
  thawReplica(): Promise<void>;
}

/** The `field:value` lines of an INFO section. */
async function info(port: number, section: string): Promise<Map<string, string>> {
  const text = await redisCommand(port, ['INFO', section]);
  return new Map(text.split('\r\n').flatMap((line) => (line.includes(':') ? [[line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]] : [])));
}

/** True once the master sees its replica online and the replica has applied everything up to the master's offset. */
async function caughtUp(master: RedisServer, replica: RedisServer): Promise<boolean> {
  const [sent, applied] = await Promise.all([info(master.port, 'replication'), info(replica.port, 'replication')]);
  return (sent.get('slave0') ?? '').includes('state=online') && applied.get('slave_repl_offset') === sent.get('master_repl_offset');
}

/** Waits until `replica` has caught up with `master`; the handle that freezes and thaws it. */
async function linked(master: RedisServer, replica: RedisServer): Promise<ReplicatedRedis> {
  await waitUntil(
    `replica ${replica.port} linked to master ${master.port}`,
    LINK_TIMEOUT_MS,
    async () => (await info(replica.port, 'replication')).get('master_link_status') === 'up',
  );
  await waitUntil(`master ${master.port} seeing its replica online`, LINK_TIMEOUT_MS, () => caughtUp(master, replica));
  return {
    master,
    replica,
    freezeReplica: () => process.kill(replica.pid, 'SIGSTOP'),
    async thawReplica() {
      process.kill(replica.pid, 'SIGCONT');
      await waitUntil(`replica ${replica.port} caught up after SIGCONT`, LINK_TIMEOUT_MS, () => caughtUp(master, replica));
    },
  };
}

const BOOKINGS_MASTER: RedisServerOptions = { appendonly: true, appendfsync: 'always' };

/** A master that starts a replica's full sync at once (Redis waits 5 s for more replicas by default), and a replica. */
async function startPair(masterOptions: RedisServerOptions): Promise<[RedisServer, RedisServer]> {
  const [master, replica] = await Promise.all([startRedisServer(masterOptions), startRedisServer({ appendonly: false })]);
  await redisCommand(master.port, ['CONFIG', 'SET', 'repl-diskless-sync-delay', '0']);
  return [master, replica];
}

/** The master's options as given (bookings want appendonly yes, appendfsync always); the replica's are Redis's defaults. */
export async function startReplicatedRedis(masterOptions = BOOKINGS_MASTER): Promise<ReplicatedRedis> {
  const [master, replica] = await startPair(masterOptions);
  await redisCommand(replica.port, ['REPLICAOF', '127.0.0.1', String(master.port)]);
  return linked(master, replica);
}

/**
 * startReplicatedRedis with the replication link through a StallProxy: `link.stall()` is a partition between the
 * two (what the master sends meanwhile waits in the proxy, and is lost if the proxy closes before `resume()`).
 */
export async function startPartitionedReplica(masterOptions = BOOKINGS_MASTER): Promise<ReplicatedRedis & { link: StallProxy }> {
  const [master, replica] = await startPair(masterOptions);
  const link = await startStallProxy(master.port);
  await redisCommand(replica.port, ['REPLICAOF', '127.0.0.1', String(link.port)]);
  return { ...(await linked(master, replica)), link };
}

/** A new cluster node that joins the cluster of `master` (CLUSTER MEET) as its replica (CLUSTER REPLICATE). */
export async function addClusterReplica(master: RedisServer): Promise<ReplicatedRedis> {
  const replica = await startRedisServer({ appendonly: false, cluster: true });
  await redisCommand(master.port, ['CONFIG', 'SET', 'repl-diskless-sync-delay', '0']);
  const masterId = await redisCommand(master.port, ['CLUSTER', 'MYID']);
  await redisCommand(replica.port, ['CLUSTER', 'MEET', '127.0.0.1', String(master.port)]);
  await waitUntil(`node ${replica.port} knowing master ${masterId}`, LINK_TIMEOUT_MS, async () =>
    (await redisCommand(replica.port, ['CLUSTER', 'NODES'])).includes(masterId),
  );
  await redisCommand(replica.port, ['CLUSTER', 'REPLICATE', masterId]);
  return linked(master, replica);
}

/** The hash slots `port` serves as a master (CLUSTER NODES' `myself` line): [first, last] ranges. */
export async function ownSlots(port: number): Promise<[number, number][]> {
  const myself = (await redisCommand(port, ['CLUSTER', 'NODES'])).split('\n').find((line) => line.split(' ')[2]?.includes('myself'));
  return (myself?.split(' ').slice(8) ?? []).map((range) => {
    const [first, last = first] = range.split('-').map(Number);
    return [first!, last!];
  });
}
