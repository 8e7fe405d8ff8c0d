/**
 * How many gateway processes 6,000,000 waiting people need, from the measured
 * memory and CPU per connection: a process is limited by whichever runs out
 * first — memory (a budget per process), CPU (one core per process, the
 * fan-out and per-connection ticking measured), or open files (100,000
 * connections per process where the limit allows it; 19,900 on this machine).
 */
import type { HoldResult } from '../scenarios/hold.js';

export const CROWD = 6_000_000;
const CONNECTIONS_PER_PROCESS = 100_000;
const MEMORY_BUDGET_BYTES = 4 * 1024 ** 3;

export interface Extrapolation {
  crowd: number;
  connectionsPerProcess: number;
  byConnections: number;
  byMemory: number;
  byCpu: number;
  nodesFor6M: number;
  arithmetic: string;
}

export function extrapolate(result: HoldResult): Extrapolation {
  const byConnections = Math.ceil(CROWD / CONNECTIONS_PER_PROCESS);
  const memoryPerProcess = Math.floor(MEMORY_BUDGET_BYTES / result.hold.rssBytesPerConn);
  const byMemory = Math.ceil(CROWD / Math.min(memoryPerProcess, CONNECTIONS_PER_PROCESS * 10));
  // Fan-out time per connection per tick, measured; a process spends at most half its core on fan-out at 1 tick/s.
  const msPerConnection = result.fanout.tickMs.p50 / Math.max(1, result.fanout.connectionsPerNode);
  const cpuPerProcess = Math.floor(500 / msPerConnection);
  const byCpu = Math.ceil(CROWD / cpuPerProcess);
  const nodesFor6M = Math.max(byConnections, byMemory, byCpu);
  return {
    crowd: CROWD,
    connectionsPerProcess: CONNECTIONS_PER_PROCESS,
    byConnections,
    byMemory,
    byCpu,
    nodesFor6M,
    arithmetic:
      `connections: ${CROWD} / ${CONNECTIONS_PER_PROCESS} = ${byConnections}; ` +
      `memory: ${CROWD} / (${MEMORY_BUDGET_BYTES} B / ${result.hold.rssBytesPerConn} B per connection) = ${byMemory}; ` +
      `CPU: fan-out ${msPerConnection.toExponential(2)} ms per connection per tick, half a core per process at 1 tick/s → ${cpuPerProcess} per process → ${byCpu}; ` +
      `the largest: ${nodesFor6M}`,
  };
}
