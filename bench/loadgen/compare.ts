/**
 * Which client should the load generator use? Holds the same number of
 * waiting clients with each transport in turn (the minimal `node:net` client,
 * then the `ws` package) against a fresh gateway process (memory store, one
 * event nobody is admitted from, ticks every 250 ms), and measures the worker
 * process alone: CPU while holding, CPU of the connect-and-join ramp, RSS per
 * connection, and the lag it observed.
 *
 *   node --import tsx bench/loadgen/compare.ts [--clients 10000] [--hold-seconds 20] [--tick-ms 250] [--transports net,ws]
 *        [--worker-flags "--cpu-prof --cpu-prof-dir=/tmp/prof"]
 *
 * Prints a table and writes bench/results/loadgen-compare.json (one entry per clients × tick-ms, the latest run of each).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateKeys } from '../../server/config/keys.js';
import { LOAD_GENERATOR_ADDRESSES, rssOf } from '../lib/deployment.js';
import { quantile } from '../lib/stats.js';
import type { LoadTransport, SnapshotMessage } from './messages.js';
import { LoadWorker } from './spawn.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULT_FILE = join(REPO_ROOT, 'bench/results/loadgen-compare.json');
const EVENT_ID = 'compare';
/** Each source address has ~28k ephemeral ports; 4 cover any count one gateway can hold. */
const SOURCES = ['127.0.50.1', '127.0.50.2', '127.0.50.3', '127.0.50.4'];

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    'hold-seconds': { type: 'string', default: '20' },
    'tick-ms': { type: 'string', default: '250' },
    transports: { type: 'string', default: 'net,ws' },
    /** Extra node flags for the worker, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
    'worker-flags': { type: 'string', default: '' },
  },
});
const clients = Number(values.clients);
const holdSeconds = Number(values['hold-seconds']);
const tickMs = Number(values['tick-ms']);
const transports = values.transports.split(',') as LoadTransport[];
if (!Number.isInteger(clients) || clients < 1 || clients > 19_000) throw new Error('--clients: 1 … 19,000 (one gateway process holds them all)');
if (!(holdSeconds > 0 && holdSeconds <= 600)) throw new Error('--hold-seconds: 1 … 600');
if (transports.some((t) => t !== 'net' && t !== 'ws')) throw new Error('--transports: net and/or ws');

interface Row {
  transport: LoadTransport;
  clients: number;
  connected: number;
  failed: number;
  rampSeconds: number;
  rampCpuMsPer1000Joins: number;
  holdSeconds: number;
  /** Worker CPU (user + system) per 1,000 held clients per second of holding. */
  holdCpuMsPer1000ClientsPerSecond: number;
  /** The same, split: user (JS, parsing) and system (the kernel: reads, epoll, TCP). */
  holdUserMsPer1000ClientsPerSecond: number;
  holdSystemMsPer1000ClientsPerSecond: number;
  /** Share of one core the worker used while holding. */
  holdCpuShareOfCore: number;
  /** Share of one core the gateway process used meanwhile (is it, rather than the generator, the bottleneck?). */
  gatewayCpuShareOfCore: number;
  updatesPerClientPerSecond: number;
  rssBytes: number;
  rssBytesPerConnection: number;
  heapBytesPerConnection: number;
  lagMs: { p50: number; p99: number; max: number };
  /** The worker's event-loop utilization while holding (near 1: it is the bottleneck). */
  loopUtilization: number;
  /** First to last arrival of one broadcast across the worker's clients, ms. */
  broadcastSpreadMs: { p50: number; max: number };
  errors: Record<string, number>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** User + system CPU seconds a process has used, from /proc/<pid>/stat (USER_HZ = 100). */
async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A gateway (with its admission controller) on the memory store, as its own process; stopped by PID. */
async function startGateway(dir: string): Promise<{ wsUrl: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const now = Date.now();
  const config = {
    nodeId: 'loadgen-compare',
    logLevel: 'warn',
    gateway: { host: '127.0.0.1', port, tickMs, idleTimeoutSeconds: 960, natRanges: [LOAD_GENERATOR_ADDRESSES] },
    store: { kind: 'memory' },
    keys: generateKeys('compare'),
    events: [
      {
        id: EVENT_ID,
        title: 'Load generator comparison',
        opensAt: now - 60_000,
        closesAt: now + 3600_000,
        maxActive: 1,
        admitsPerMinute: 1,
        grantTtlSeconds: 3600,
        graceSeconds: 30,
        centers: [{ id: 'c1', name: 'Center', slots: [{ id: 's1', label: '09:00', capacity: 10 }] }],
      },
    ],
  };
  const configFile = join(dir, 'gateway.json');
  await writeFile(configFile, JSON.stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main/start-gateway.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, WAITROOM_CONFIG: configFile },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error('gateway did not become healthy within 30 s');
    }
    await sleep(200);
  }
  return { wsUrl: `ws://127.0.0.1:${port}/ws`, pid: child.pid!, stop };
}

function cpuMs(from: SnapshotMessage, to: SnapshotMessage): number {
  return (to.cpu.user - from.cpu.user + to.cpu.system - from.cpu.system) / 1000;
}

async function measure(transport: LoadTransport, dir: string): Promise<Row> {
  const gateway = await startGateway(dir);
  const worker = await LoadWorker.spawn(values['worker-flags'].split(' ').filter(Boolean));
  try {
    const rssBefore = await rssOf(worker.pid);
    const startedAt = Date.now();
    worker.start({
      scenario: 'hold',
      transport,
      targets: [gateway.wsUrl],
      eventId: EVENT_ID,
      count: clients,
      sourceAddresses: SOURCES,
      connectConcurrency: 256,
      maxSeconds: 600,
    });
    const first = await worker.snapshot();
    await worker.until((p) => p.joined + p.failed >= clients, 180_000);
    const rampSeconds = (Date.now() - startedAt) / 1000;
    await sleep(2000);
    const gatewayCpuStart = await cpuSecondsOf(gateway.pid);
    const start = await worker.snapshot(true);
    await sleep(holdSeconds * 1000);
    const end = await worker.snapshot();
    const gatewayCpu = (await cpuSecondsOf(gateway.pid)) - gatewayCpuStart;
    const seconds = (end.at - start.at) / 1000;
    const held = end.waiting;
    const holdCpu = cpuMs(start, end);
    const row: Row = {
      transport,
      clients,
      connected: end.counters.connected,
      failed: end.counters.failed,
      rampSeconds: round(rampSeconds),
      rampCpuMsPer1000Joins: round((cpuMs(first, start) / Math.max(1, start.counters.joined)) * 1000),
      holdSeconds: round(seconds),
      holdCpuMsPer1000ClientsPerSecond: round((holdCpu / seconds / Math.max(1, held)) * 1000),
      holdUserMsPer1000ClientsPerSecond: round(((end.cpu.user - start.cpu.user) / 1000 / seconds / Math.max(1, held)) * 1000),
      holdSystemMsPer1000ClientsPerSecond: round(((end.cpu.system - start.cpu.system) / 1000 / seconds / Math.max(1, held)) * 1000),
      holdCpuShareOfCore: round(holdCpu / 1000 / seconds, 3),
      gatewayCpuShareOfCore: round(gatewayCpu / seconds, 3),
      updatesPerClientPerSecond: round(end.updates / Math.max(1, held) / seconds, 3),
      rssBytes: end.memory.rss,
      rssBytesPerConnection: Math.round((end.memory.rss - rssBefore) / Math.max(1, end.counters.connected)),
      heapBytesPerConnection: Math.round(end.memory.heapUsed / Math.max(1, end.counters.connected)),
      lagMs: { p50: round(quantile(end.lag.samples, 0.5)), p99: round(quantile(end.lag.samples, 0.99)), max: round(end.lag.max) },
      loopUtilization: end.loopUtilization,
      broadcastSpreadMs: { p50: round(quantile(end.broadcastSpreadMs, 0.5)), max: round(Math.max(...end.broadcastSpreadMs)) },
      errors: end.errors,
    };
    await worker.stop();
    return row;
  } finally {
    worker.kill();
    await gateway.stop();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'loadgen-compare-'));
const rows: Row[] = [];
try {
  for (const transport of transports) {
    console.log(`${transport}: ${clients} clients, holding ${holdSeconds} s at ${tickMs} ms ticks …`);
    rows.push(await measure(transport, dir));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

console.table(
  rows.map((r) => ({
    transport: r.transport,
    held: r.connected,
    failed: r.failed,
    'ramp s': r.rampSeconds,
    'ramp CPU ms/1k joins': r.rampCpuMsPer1000Joins,
    'hold CPU ms/1k clients/s': r.holdCpuMsPer1000ClientsPerSecond,
    'of which sys': r.holdSystemMsPer1000ClientsPerSecond,
    'hold CPU % core': round(r.holdCpuShareOfCore * 100, 1),
    'gateway % core': round(r.gatewayCpuShareOfCore * 100, 1),
    'updates/client/s': r.updatesPerClientPerSecond,
    'RSS MB': round(r.rssBytes / 2 ** 20, 1),
    'RSS KB/conn': round(r.rssBytesPerConnection / 1024),
    'lag p50 ms': r.lagMs.p50,
    'lag p99 ms': r.lagMs.p99,
    'spread p50 ms': r.broadcastSpreadMs.p50,
    'loop util': r.loopUtilization,
  })),
);
await mkdir(join(REPO_ROOT, 'bench/results'), { recursive: true });
// One entry per (clients, tickMs): a new run replaces the earlier one of the same shape and keeps the others.
interface Run {
  measuredAt: string;
  clients: number;
  holdSeconds: number;
  tickMs: number;
  rows: Row[];
}
let runs: Run[] = [];
try {
  runs = (JSON.parse(await readFile(RESULT_FILE, 'utf8')) as { runs?: Run[] }).runs ?? [];
} catch {
  // no earlier results
}
runs = runs.filter((run) => run.clients !== clients || run.tickMs !== tickMs);
runs.push({ measuredAt: new Date().toISOString(), clients, holdSeconds, tickMs, rows });
runs.sort((a, b) => a.tickMs - b.tickMs || a.clients - b.clients);
await writeFile(RESULT_FILE, `${JSON.stringify({ runs }, null, 2)}\n`);
console.log(`written to ${RESULT_FILE}`);
