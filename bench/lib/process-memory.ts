/**
 * Memory of a group of server processes, from /proc/<pid>/smaps_rollup: the
 * resident set (Rss) and the proportional set (Pss: each shared page divided
 * among the processes mapping it). Summed over processes that share memory,
 * as nginx's workers share Nchan's shared-memory zone, Rss counts a shared
 * page once per process and Pss once in all.
 */
import { readFile } from 'node:fs/promises';

export interface GroupMemory {
  rss: number;
  pss: number;
}

function field(text: string, name: string, pid: number): number {
  const kb = Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`/proc/${pid}/smaps_rollup has no ${name}`);
  return kb * 1024;
}

/** Rss and Pss of these processes together, bytes. */
export async function groupMemory(pids: readonly number[]): Promise<GroupMemory> {
  const each = await Promise.all(
    pids.map(async (pid) => {
      const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
      return { rss: field(text, 'Rss', pid), pss: field(text, 'Pss', pid) };
    }),
  );
  return each.reduce((sum, m) => ({ rss: sum.rss + m.rss, pss: sum.pss + m.pss }), { rss: 0, pss: 0 });
}

/**
 * Takes `read()` every `everyMs` until the last `flatReadings` Rss readings are within `toleranceBytes` of each other
 * (after `minMs` at least; at most `maxMs`): a fresh process returns start-up memory to the system for a while.
 */
export async function settledGroupMemory(
  read: () => Promise<GroupMemory>,
  options: { minMs: number; maxMs: number; everyMs?: number; flatReadings?: number; toleranceBytes?: number },
): Promise<GroupMemory & { settled: boolean }> {
  const { minMs, maxMs, everyMs = 2500, flatReadings = 4, toleranceBytes = 1 << 20 } = options;
  const started = Date.now();
  const readings: GroupMemory[] = [];
  for (;;) {
    readings.push(await read());
    const last = readings.slice(-flatReadings).map((m) => m.rss);
    const flat = last.length === flatReadings && Math.max(...last) - Math.min(...last) < toleranceBytes;
    if ((flat && Date.now() - started >= minMs) || Date.now() - started >= maxMs) return { ...readings[readings.length - 1]!, settled: flat };
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
