/**
 * What `cluster-require-full-coverage` costs the healthy events when one Redis
 * Cluster master dies (issue 19 item 2, decision 026). Per run: a private
 * cluster of 3 masters (with `--replicas`, one replica each, cluster-node-timeout
 * 2000 as in the trial), a gateway with its controller as a real
 * process, three events on three masters with WAITERS clients each, admitting
 * continuously at RATE a minute; the master of one event is SIGKILLed (it stays
 * dead). Reported for the two healthy events: the longest gap between two of
 * their admissions in the WINDOW after the kill (against the same gap before
 * it), and the reconnecting (`d`) ticks their waiters received. Not part of
 * `npm test`.
 *
 *   node --import tsx bench/full-coverage-pause.ts --coverage yes|no [--replicas] [--runs 2]
 */
import { parseCommandLine } from '../server/main/command-line.js';
import { editConfig, eventIdsOn, keyOwners, mastersOf } from '../test/support/cluster-layout.js';
import { cleanUpProcesses, startNode, writeClusterConfig } from '../test/support/processes.js';
import { startRedisCluster } from '../test/support/redis-cluster.js';
import { stopRedisServers } from '../test/support/redis-server.js';
import { testEvent } from '../test/support/system.js';
import { TestClient } from '../test/support/ws-client.js';

const { values } = parseCommandLine({
  name: 'node --import tsx bench/full-coverage-pause.ts --',
  summary: "The healthy events' admission pause when one master of a Redis Cluster dies, under cluster-require-full-coverage yes or no.",
  options: {
    coverage: { type: 'string', value: 'yes|no', default: 'yes', description: 'cluster-require-full-coverage' },
    replicas: { type: 'boolean', description: 'one replica per master (the dead master is replaced by its replica)' },
    runs: { type: 'string', value: 'N', default: '2', description: 'runs' },
  },
});

const WAITERS = 250;
const RATE = 600;
const WINDOW_MS = 12_000;
const NODE_TIMEOUT_MS = 2000;

function longestGap(times: number[], from: number, to: number): number {
  const inside = [from, ...times.filter((t) => t > from && t < to).sort((a, b) => a - b), to];
  return Math.max(...inside.slice(1).map((t, k) => t - inside[k]!));
}

async function run(coverage: string, replicas: boolean): Promise<string> {
  const cluster = await startRedisCluster({
    masters: 3,
    replicasPerMaster: replicas ? 1 : 0,
    nodeTimeoutMs: NODE_TIMEOUT_MS,
    requireFullCoverage: coverage === 'yes',
  });
  const owner = await keyOwners(cluster);
  const masters = await mastersOf(cluster);
  const [down, ...healthy] = eventIdsOn(owner, masters, 'ev');
  const config = await writeClusterConfig({ tickMs: 100 });
  await editConfig(config.path, (c) => {
    c.events = [down!, ...healthy].map((id) => testEvent({ id, maxActive: 10_000, admitsPerMinute: RATE })) as unknown as Record<string, unknown>;
  });
  const gateway = await startNode({ role: 'gateway', name: 'gateway', configFile: config.path, env: { REDIS_CLUSTER_NODES: cluster.urls.join(',') } });
  const admittedAt = new Map(healthy.map((id) => [id, [] as number[]]));
  const degradedTicks = new Map(healthy.map((id) => [id, [] as number[]]));
  const clients: TestClient[] = [];
  for (const id of [down!, ...healthy])
    for (let k = 0; k < WAITERS; k++) {
      const client = await TestClient.connect(gateway.wsUrl);
      clients.push(client);
      client.socket.on('message', () => {
        const last = client.messages.at(-1)!;
        if (last.type === 'admitted' && admittedAt.has(id)) admittedAt.get(id)!.push(Date.now());
        if (last.type === 'tick' && last.e === id && last.d && degradedTicks.has(id)) degradedTicks.get(id)!.push(Date.now());
      });
      await client.join(id);
    }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const killedAt = Date.now();
  await cluster.nodes.find((n) => `127.0.0.1:${n.port}` === masters[0])!.kill('SIGKILL');
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const figures = healthy.map((id) => {
    const before = longestGap(admittedAt.get(id)!, killedAt - 2000, killedAt);
    const after = longestGap(admittedAt.get(id)!, killedAt, killedAt + WINDOW_MS);
    const ticks = degradedTicks.get(id)!;
    const span = ticks.length ? `${ticks[0]! - killedAt}–${ticks.at(-1)! - killedAt} ms after the kill` : 'none';
    return `${id}: longest admission gap ${after} ms after the kill (${before} ms before); reconnecting ticks received by its ${WAITERS} waiters: ${ticks.length} (${span})`;
  });
  await Promise.all(clients.map((c) => c.drop()));
  await cleanUpProcesses(2000);
  await cluster.stop();
  return `coverage ${coverage}, ${replicas ? '3 masters + 3 replicas' : '3 masters, no replicas'}, node-timeout ${NODE_TIMEOUT_MS} ms: ${figures.join('; ')}`;
}

try {
  for (let k = 0; k < Number(values.runs); k++) console.log(`[measure] run ${k + 1}: ${await run(values.coverage!, values.replicas === true)}`);
} finally {
  await cleanUpProcesses(1000);
  await stopRedisServers();
}
