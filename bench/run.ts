/**
 * `npm run bench`: the load benchmark (issue 7). Starts the system as
 * production runs it on loopback (private Redis, gateway processes, a
 * controller, the reservation handler) plus load-generator processes, runs the
 * scenarios, stops everything it started, and writes bench/results/latest.json
 * and latest.svg. Not part of `npm test`.
 *
 *   npm run bench -- [--clients 100000] [--nodes 6] [--transport uws|ws]
 *                    [--scenario hold,fanout,redis,join,drain,grant,ws] [--out bench/results/latest.json]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { startDeployment, type Deployment } from './lib/deployment.js';
import { GRANT_EVENT, runGrant } from './scenarios/grant.js';
import { HOLD_EVENT, runHold } from './scenarios/hold.js';

const SCENARIOS = ['hold', 'fanout', 'redis', 'join', 'drain', 'grant', 'ws'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100000' },
    nodes: { type: 'string', default: '6' },
    transport: { type: 'string', default: 'uws' },
    scenario: { type: 'string', default: SCENARIOS.join(',') },
    out: { type: 'string', default: 'bench/results/latest.json' },
  },
});

const clients = Number(values.clients);
const nodes = Number(values.nodes);
const transport = values.transport as 'uws' | 'ws';
const scenarios = new Set(values.scenario!.split(',').map((s) => s.trim()) as Scenario[]);
for (const name of scenarios) if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
if (!['uws', 'ws'].includes(transport)) throw new Error('--transport is uws or ws');

const startedAt = Date.now();
function progress(line: string): void {
  const elapsed = ((Date.now() - startedAt) / 1000).toFixed(0).padStart(4);
  console.log(`[bench ${elapsed}s] ${line}`);
}

const results: Record<string, unknown> = {
  machine: { cores: (await import('node:os')).cpus().length, node: process.version, date: new Date().toISOString() },
  options: { clients, nodes, transport, scenarios: [...scenarios] },
};

let deployment: Deployment | null = null;
const stopEverything = async () => {
  await deployment?.stop();
  deployment = null;
};
process.once('SIGINT', () => void stopEverything().then(() => process.exit(130)));

const HOLD_WINDOW_SECONDS = 30;

try {
  if (scenarios.has('hold') || scenarios.has('fanout') || scenarios.has('redis')) {
    progress(`starting ${nodes} gateways (${transport}), a controller and the reservation handler on a private Redis`);
    deployment = await startDeployment({ nodes, transport, tickMs: 1000, events: [HOLD_EVENT] });
    const held = await runHold(deployment, clients, HOLD_WINDOW_SECONDS, progress);
    Object.assign(results, held);
    progress(`hold: ${JSON.stringify(held.hold)}`);
    progress(`fanout: ${JSON.stringify(held.fanout)}; redis: ${JSON.stringify(held.redis)}; loadgen: ${JSON.stringify(held.loadgen)}`);
    await stopEverything();
  }
  if (scenarios.has('grant')) {
    progress('starting the system for grant');
    deployment = await startDeployment({ nodes: 1, transport, tickMs: 1000, events: [GRANT_EVENT] });
    results.grant = await runGrant(deployment, 20_000, progress);
    progress(`grant: ${JSON.stringify(results.grant)}`);
    await stopEverything();
  }
} finally {
  await stopEverything();
}

await mkdir(dirname(values.out!), { recursive: true });
await writeFile(values.out!, `${JSON.stringify(results, null, 2)}\n`);
progress(`wrote ${values.out}`);
