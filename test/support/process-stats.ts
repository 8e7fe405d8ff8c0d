/**
 * What a process uses, read from /proc and its log: resident memory, CPU
 * seconds, and memory after a garbage collection (SIGUSR2 to a process started
 * with --expose-gc logs "garbage collected"). Shared by tests and the benchmark.
 */
import { readFile } from 'node:fs/promises';
import type { NodeProcess } from './processes.js';

/** Resident memory of a process, from /proc (bytes). */
export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return kb * 1024;
}

/** CPU seconds (user + system) these processes have used so far, together, from /proc/<pid>/stat. */
export async function cpuSecondsOf(...pids: number[]): Promise<number> {
  const ticks = 100; // USER_HZ on Linux
  const used = await Promise.all(
    pids.map(async (pid) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / ticks;
    }),
  );
  return used.reduce((a, b) => a + b, 0);
}

/** Collects garbage in a gateway (SIGUSR2) and returns its RSS afterwards. */
export async function rssAfterGc(node: NodeProcess, timeoutMs = 10_000): Promise<number> {
  return (await memoryAfterGc(node, timeoutMs)).rss;
}

/** Collects garbage in a gateway (SIGUSR2): its RSS (from /proc), V8 heap in use and memory outside it (from its log line) afterwards. */
export async function memoryAfterGc(node: NodeProcess, timeoutMs = 10_000): Promise<{ rss: number; heapTotal: number; heapUsed: number; external: number }> {
  const lines = () =>
    node
      .output()
      .split('\n')
      .filter((line) => line.includes('garbage collected'));
  const before = lines().length;
  node.kill('SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  while (lines().length === before) {
    if (Date.now() > deadline) throw new Error(`${node.name}: no "garbage collected" line within ${timeoutMs} ms (started without --expose-gc?)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const line = lines().pop()!;
  const field = (name: string) => Number(new RegExp(`"${name}":(\\d+)`).exec(line)?.[1] ?? NaN);
  return { rss: await rssOf(node.pid), heapTotal: field('heapTotal'), heapUsed: field('heapUsed'), external: field('external') };
}
