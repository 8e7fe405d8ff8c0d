/**
 * The commands a Redis server runs while an action runs, from MONITOR (which
 * also lists the commands Lua scripts call, tagged `[n lua]`): how tests count
 * the writes of one script call. Only on a test's own redis-server.
 */
import { createClient } from 'redis';

export interface MonitoredCommand {
  /** Called by a Lua script (as opposed to sent by a client). */
  fromScript: boolean;
  /** The command and its arguments, e.g. ['HSET', 'wr:{ev}:meta', 'drawSize', '4']. */
  args: string[];
}

/** MONITOR's line: `1700000000.123456 [0 lua] "HSET" "key" "field"` (arguments quoted, `\"` and `\\` escaped). */
function parseLine(line: string): MonitoredCommand | null {
  const match = /^\d+\.\d+ \[(\d+) ([^\]]+)\] (.*)$/.exec(line);
  if (!match) return null;
  const args = [...match[3]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(([, arg]) => arg!.replace(/\\(.)/g, '$1'));
  return { fromScript: match[2] === 'lua', args };
}

export async function monitorCommands(redisUrl: string, action: () => Promise<unknown>): Promise<MonitoredCommand[]> {
  const monitor = createClient({ url: redisUrl });
  const marker = createClient({ url: redisUrl });
  await Promise.all([monitor.connect(), marker.connect()]);
  const seen: MonitoredCommand[] = [];
  let markerSeen: (() => void) | null = null;
  const MARK = `monitor-end-${process.pid}-${Date.now()}`;
  await monitor.monitor((line: string) => {
    const command = parseLine(line);
    if (!command) return;
    if (command.args[0] === 'ECHO' && command.args[1] === MARK) markerSeen?.();
    else seen.push(command);
  });
  try {
    await action();
    // Everything the action ran is listed before this marker.
    const ended = new Promise<void>((resolve) => (markerSeen = resolve));
    await marker.echo(MARK);
    await ended;
  } finally {
    await Promise.all([monitor.destroy(), marker.close()]);
  }
  return seen;
}

const WRITES = new Set(['HSET', 'HSETNX', 'HDEL', 'HINCRBY', 'SET', 'DEL', 'ZADD', 'ZREM', 'ZREMRANGEBYSCORE', 'SADD', 'SREM', 'INCR', 'EXPIRE', 'PEXPIRE']);

/** The writing commands among these, in order. */
export function writes(commands: readonly MonitoredCommand[]): MonitoredCommand[] {
  return commands.filter((command) => WRITES.has(command.args[0]!.toUpperCase()));
}
