/**
 * `peers`: Waitroom's gateway and three other servers side by side, in one
 * run, on the same load generator (bench/loadgen), each holding the same
 * number of subscribers and sending each of them one frame of the gateway's
 * tick size a second:
 *
 *   waitroom  the gateways as the hold scenario starts them (admission paused: everyone waits, one tick a second)
 *   uws       bare uWebSockets.js publishing to one topic (bench/floor: the fan-out floor)
 *   soketi    Soketi, a Pusher-protocol server on the same uWebSockets.js build, one channel, events
 *             published through its HTTP API (bench/peers/soketi.ts)
 *   nchan     nginx with Nchan, WebSocket subscribers, messages published by HTTP POST (bench/peers/nchan.ts)
 *
 * One after another, each alone on the machine, with `processes` server
 * processes (the open-file cap is 20,000 a process). For each: connections
 * held and failed; memory per connection (the server processes' Rss and Pss
 * over their settled idle baseline, divided by the connections); kernel TCP
 * socket memory per connection (/proc/net/sockstat, machine-wide: both ends);
 * server CPU per frame delivered (process CPU over the window / frames the
 * load generator received); delivery lag. Decision 006 says why these.
 */
import { loadavg } from 'node:os';
import { FloorPublisher } from '../floor/spawn.js';
import { floorFrame } from '../floor/frame.js';
import type { Counters, StartOptions } from '../loadgen/messages.js';
import { cpuSecondsOf, memoryAfterGc, startDeployment } from '../lib/deployment.js';
import { LoadPool, workersFor } from '../lib/loadgen-pool.js';
import { groupMemory, settledGroupMemory, type GroupMemory } from '../lib/process-memory.js';
import { PAGE_BYTES, readSockstat, type Sockstat } from '../lib/sockstat.js';
import { quantile, round, slope } from '../lib/stats.js';
import { installNchan, NchanServer } from '../peers/nchan.js';
import { GC_ON_SIGNAL, installSoketi, SoketiServer } from '../peers/soketi.js';
import { stampedText } from '../peers/stamp.js';
import { HOLD_EVENT, RSS_LEVELS, TICK_MS } from './hold.js';

export const PEERS = ['waitroom', 'uws', 'soketi', 'nchan'] as const;
export type PeerName = (typeof PEERS)[number];

export interface PeersOptions {
  peers: readonly PeerName[];
  clients: number;
  /** Server processes per peer (gateways, publishers, Soketi processes, nginx workers). */
  processes: number;
  windowSeconds: number;
  /** Fractions of the crowd at which memory is read for the slopes (default: each quarter, as hold). */
  memorySteps?: readonly number[];
}

export interface PeerRow {
  peer: PeerName;
  server: string;
  processes: number;
  connections: { held: number; failed: number };
  memory: {
    /** Least-squares slope of the server processes' Rss (summed, after GC where there is one) over connections held. */
    rssBytesPerConn: number;
    /** The same slope of their Pss (shared pages divided among the processes sharing them). */
    pssBytesPerConn: number;
    /** Server processes together, settled before any client connected, bytes. */
    baseline: GroupMemory & { settled: boolean };
    /** At each quarter of the crowd (`memorySteps`), frames flowing, bytes. */
    readings: (GroupMemory & { connections: number })[];
  };
  kernel: {
    /** Slope of TCP socket buffer memory (sockstat `mem`, pages × 4096) over connections, machine-wide (both ends on loopback). */
    tcpMemBytesPerConn: number;
    /** Slope of TCP sockets in use over connections (2 on loopback: both ends). */
    tcpSocketsPerConn: number;
    before: Sockstat;
    readings: (Sockstat & { connections: number })[];
  };
  cpu: {
    /** Server CPU (user + system) per frame the load generator received, µs. */
    usPerFrame: number;
    /** Server CPU seconds per second of the window. */
    serverCoresBusy: number;
    /** The load generator's own CPU seconds per second of the window. */
    loadgenCoresBusy: number;
  };
  frames: { delivered: number; perClientPerSecond: number; bytesPerFrame: number; publishErrors: number };
  lagMs: { p50: number; p99: number; max: number };
  windowSeconds: number;
  /** The machine's 1-minute load average at the start and the end of the window (2 cores here: above 2, the peer waited for CPU). */
  loadAverage: [number, number];
  /** Waitroom only: CPU per waiter per second with paced updates (issue 17 item 1), once they exist; null until then. */
  pacedCpuUsPerWaiterPerSecond?: number | null;
}

export interface PeersResult {
  scale: { clients: number; processes: number; windowSeconds: number; clientsPerProcess: number };
  /** The frame every peer delivered, bytes (Waitroom's tick in this run, or the bare tick without it). */
  frameBytes: number;
  rows: PeerRow[];
}

/** A server under test, started: what to measure, where to connect, how frames reach it. */
interface Running {
  server: string;
  /** The processes holding the connections (their memory and CPU is the peer's). */
  pids: number[];
  /** Their memory together, after a garbage collection in each where there is one (Node servers). */
  memory(): Promise<GroupMemory>;
  targets: string[];
  load: Pick<StartOptions, 'scenario' | 'eventId' | 'subscribe' | 'keepalive'>;
  /** Frames are sent once a second from here (Soketi, Nchan); the others tick by themselves. */
  publish?: (t: number) => Promise<void>;
  /** How long the idle baseline may take to settle (a fresh Node process returns start-up memory for ~25 s). */
  settle: Parameters<typeof settledGroupMemory>[1];
  stop(): Promise<void>;
}

const CONNECT_CONCURRENCY = 256;
const SETTLED_AFTER_CONNECT_MS = 2000;
/** Pusher clients ping after 30 s without a message (Soketi's activity_timeout); Soketi closes silent ones after 120 s. */
const PUSHER_PING_EVERY_MS = 30_000;
// As the hold waits for its gateways (decision 006): four flat readings 2.5 s apart, after 30 s at least.
const NODE_SETTLE = { minMs: 30_000, maxMs: 60_000 };
const NATIVE_SETTLE = { minMs: 2000, maxMs: 20_000, everyMs: 1000, flatReadings: 3 };

/** SIGUSR2 to each (bench/peers/gc-on-signal.cjs collects garbage on it), then their memory. */
async function memoryAfterSignalledGc(pids: readonly number[]): Promise<GroupMemory> {
  for (const pid of pids) process.kill(pid, 'SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 500));
  return groupMemory(pids);
}

async function startPeer(peer: PeerName, processes: number, frameBytes: number, progress: (line: string) => void): Promise<Running> {
  switch (peer) {
    case 'waitroom': {
      const deployment = await startDeployment({ nodes: processes, transport: 'uws', tickMs: TICK_MS, events: [HOLD_EVENT] });
      await deployment.stores.queue.setPaused(HOLD_EVENT.id, true);
      return {
        server: `Waitroom gateway (uws), ${processes} process(es)`,
        pids: deployment.gateways.map((gateway) => gateway.pid),
        memory: async () => {
          await Promise.all(deployment.gateways.map((gateway) => memoryAfterGc(gateway)));
          return groupMemory(deployment.gateways.map((gateway) => gateway.pid));
        },
        targets: deployment.gateways.map((gateway) => gateway.wsUrl),
        load: { scenario: 'hold', eventId: HOLD_EVENT.id },
        settle: NODE_SETTLE,
        stop: () => deployment.stop(),
      };
    }
    case 'uws': {
      const publishers = await Promise.all(
        Array.from({ length: processes }, () => FloorPublisher.start({ tickMs: TICK_MS, frameBytes, execArgv: ['--require', GC_ON_SIGNAL] })),
      );
      return {
        server: `bare uWebSockets.js publisher, ${processes} process(es)`,
        pids: publishers.map((p) => p.pid),
        memory: () => memoryAfterSignalledGc(publishers.map((p) => p.pid)),
        targets: publishers.map((p) => p.wsUrl),
        load: { scenario: 'listen', eventId: 'floor' },
        settle: NODE_SETTLE,
        stop: async () => void (await Promise.all(publishers.map((p) => p.stop()))),
      };
    }
    case 'soketi': {
      const script = await installSoketi(progress);
      const servers: SoketiServer[] = [];
      try {
        for (let k = 0; k < processes; k++) servers.push(await SoketiServer.start(script, `soketi-${k + 1}`));
      } catch (error) {
        await Promise.all(servers.map((s) => s.stop()));
        throw error;
      }
      const dataBytes = frameBytes - SoketiServer.delivered('').length;
      return {
        server: `Soketi ${servers.length} process(es), local adapter`,
        pids: servers.map((s) => s.pid),
        memory: () => memoryAfterSignalledGc(servers.map((s) => s.pid)),
        targets: servers.map((s) => s.wsUrl),
        load: { scenario: 'peer', eventId: 'soketi', subscribe: SoketiServer.subscribe, keepalive: { text: SoketiServer.ping, everyMs: PUSHER_PING_EVERY_MS } },
        publish: async (t) => void (await Promise.all(servers.map((s) => s.publish(stampedText(t, dataBytes))))),
        settle: NODE_SETTLE,
        stop: async () => void (await Promise.all(servers.map((s) => s.stop()))),
      };
    }
    case 'nchan': {
      await installNchan(progress);
      const nchan = await NchanServer.start(processes);
      return {
        server: `nginx + Nchan, ${processes} worker(s)`,
        pids: nchan.workerPids,
        memory: () => groupMemory(nchan.workerPids),
        targets: [nchan.wsUrl],
        load: { scenario: 'peer', eventId: 'nchan' },
        publish: (t) => nchan.publish(stampedText(t, frameBytes)),
        settle: NATIVE_SETTLE,
        stop: () => nchan.stop(),
      };
    }
  }
}

/** Publishes once a second until stopped; counts failures (a failed publish is a frame nobody received). */
function publishEverySecond(publish: (t: number) => Promise<void>, progress: (line: string) => void): { stop(): Promise<void>; errors(): number } {
  let errors = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = publish(Date.now()).catch((error: Error) => {
      if (errors++ === 0) progress(`publish failed: ${error.message}`);
    });
  }, TICK_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
    errors: () => errors,
  };
}

async function measurePeer(peer: PeerName, running: Running, options: PeersOptions, progress: (line: string) => void): Promise<PeerRow> {
  const { clients, windowSeconds } = options;
  progress(`peers/${peer}: ${running.server}; waiting for its idle memory to settle`);
  const baseline = await settledGroupMemory(() => running.memory(), running.settle);
  progress(`peers/${peer}: idle at ${baseline.rss} B Rss${baseline.settled ? '' : ' (still moving)'}; connecting ${clients} clients`);
  const sockstatBefore = await readSockstat();
  const publisher = running.publish ? publishEverySecond(running.publish, (line) => progress(`peers/${peer}: ${line}`)) : null;
  const load = { ...running.load, transport: 'net', targets: running.targets, connectConcurrency: CONNECT_CONCURRENCY, lagReservoir: 20_000 } as const;
  const levels = (options.memorySteps ?? RSS_LEVELS).map((fraction) => Math.round(clients * fraction));
  const reached = running.load.scenario === 'hold' ? (c: Counters) => c.joined : (c: Counters) => c.opened;
  const later = levels.slice(1).reduce((sum, level, k) => sum + workersFor(level - levels[k]!), 0);
  const pool = await LoadPool.start({ ...load, count: levels[0]! }, 1, later);
  try {
    // Memory and sockets at each quarter of the crowd, for the slopes (decision 006).
    const memory: PeerRow['memory']['readings'] = [];
    const sockets: PeerRow['kernel']['readings'] = [];
    for (let k = 0; k < levels.length; k++) {
      if (k > 0) await pool.add({ ...load, count: levels[k]! - levels[k - 1]! });
      await pool.until(
        (c) => reached(c) + c.failed >= levels[k]!,
        900_000,
        (c) => progress(`peers/${peer}: ${reached(c)} connected, ${c.failed} failed`),
      );
      await new Promise((resolve) => setTimeout(resolve, SETTLED_AFTER_CONNECT_MS));
      const connections = pool.counters().connected;
      memory.push({ ...(await running.memory()), connections });
      sockets.push({ ...(await readSockstat()), connections });
      progress(`peers/${peer}: ${connections} connected: ${memory[k]!.rss} B Rss, ${sockets[k]!.tcp.inuse} TCP sockets in use`);
    }
    const perConn = <T extends { connections: number }>(readings: T[], value: (r: T) => number) =>
      round(slope(readings.map((r) => [r.connections, value(r)])), 1);
    const opened = await pool.snapshots(true);
    const cpuBefore = await cpuSecondsOf(...running.pids);
    const loadBefore = loadavg()[0]!;
    const windowStart = Date.now();
    progress(`peers/${peer}: ${opened.reduce((sum, s) => sum + s.waiting, 0)} holding; measuring for ${windowSeconds} s`);
    await new Promise((resolve) => setTimeout(resolve, windowSeconds * 1000));
    const closed = await pool.snapshots(true);
    const cpu = (await cpuSecondsOf(...running.pids)) - cpuBefore;
    const seconds = (Date.now() - windowStart) / 1000;
    const waiting = closed.reduce((sum, s) => sum + s.waiting, 0);
    // Frames per second over the workers' own counting windows (reset → snapshot), not the runner's.
    const countedSeconds = closed.reduce((sum, s) => sum + (s.at - s.windowStartedAt), 0) / closed.length / 1000;
    const delivered = closed.reduce((sum, s) => sum + s.updates, 0);
    const bytes = closed.reduce((sum, s) => sum + s.bytes, 0);
    const lags = closed.flatMap((s) => s.lag.samples);
    const loadgenMicros = (s: typeof closed) => s.reduce((sum, x) => sum + x.cpu.user + x.cpu.system, 0);
    return {
      peer,
      server: running.server,
      processes: running.pids.length,
      connections: { held: waiting, failed: pool.counters().failed },
      memory: {
        rssBytesPerConn: perConn(memory, (r) => r.rss),
        pssBytesPerConn: perConn(memory, (r) => r.pss),
        baseline,
        readings: memory,
      },
      kernel: {
        tcpMemBytesPerConn: perConn(sockets, (r) => r.tcp.memPages * PAGE_BYTES),
        tcpSocketsPerConn: perConn(sockets, (r) => r.tcp.inuse),
        before: sockstatBefore,
        readings: sockets,
      },
      cpu: {
        usPerFrame: round((cpu * 1e6) / delivered, 3),
        serverCoresBusy: round(cpu / seconds, 3),
        loadgenCoresBusy: round((loadgenMicros(closed) - loadgenMicros(opened)) / 1e6 / seconds, 3),
      },
      frames: {
        delivered,
        perClientPerSecond: round(delivered / Math.max(1, waiting) / countedSeconds, 3),
        bytesPerFrame: round(bytes / Math.max(1, delivered), 1),
        publishErrors: publisher?.errors() ?? 0,
      },
      lagMs: { p50: round(quantile(lags, 0.5), 2), p99: round(quantile(lags, 0.99), 2), max: round(Math.max(...closed.map((s) => s.lag.max)), 2) },
      windowSeconds: round(seconds, 1),
      loadAverage: [round(loadBefore, 2), round(loadavg()[0]!, 2)],
      ...(peer === 'waitroom' ? { pacedCpuUsPerWaiterPerSecond: null } : {}),
    };
  } finally {
    await pool.stop();
    await publisher?.stop();
  }
}

/**
 * Runs the peers in order (Waitroom first: its tick's size in this run is the frame the others send).
 * A peer that fails is recorded in `errors` and the others still run.
 */
export async function runPeers(options: PeersOptions, progress: (line: string) => void): Promise<PeersResult & { errors?: Record<string, string> }> {
  const order = PEERS.filter((peer) => options.peers.includes(peer));
  let frameBytes = floorFrame(Date.now(), 0).length;
  const rows: PeerRow[] = [];
  const errors: Record<string, string> = {};
  for (const peer of order) {
    let running: Running | null = null;
    try {
      running = await startPeer(peer, options.processes, frameBytes, progress);
      rows.push(await measurePeer(peer, running, options, progress));
      progress(`peers/${peer}: ${JSON.stringify(rows[rows.length - 1])}`);
      if (peer === 'waitroom') frameBytes = Math.round(rows[rows.length - 1]!.frames.bytesPerFrame);
    } catch (error) {
      progress(`peers/${peer} failed: ${(error as Error).message}`);
      errors[peer] = (error as Error).message;
    } finally {
      await running?.stop();
    }
  }
  return {
    scale: {
      clients: options.clients,
      processes: options.processes,
      windowSeconds: options.windowSeconds,
      clientsPerProcess: Math.round(options.clients / options.processes),
    },
    frameBytes,
    rows,
    ...(Object.keys(errors).length > 0 ? { errors } : {}),
  };
}
