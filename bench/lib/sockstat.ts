/**
 * The kernel's socket counters from /proc/net/sockstat: for TCP, sockets in
 * use and the memory held in socket buffers (`mem`, in pages). Machine-wide:
 * on loopback both ends of every connection count, and so does whatever else
 * runs on the machine.
 */
import { readFile } from 'node:fs/promises';

export interface Sockstat {
  /** All sockets of every family (`sockets: used`). */
  socketsUsed: number;
  tcp: { inuse: number; orphan: number; tw: number; alloc: number; memPages: number };
}

/** The kernel's page size here (sockstat's `mem` is in pages). */
export const PAGE_BYTES = 4096;

/** Parses the text of /proc/net/sockstat; throws when the TCP line or a field of it is missing. */
export function parseSockstat(text: string): Sockstat {
  const fields = (prefix: string): Map<string, number> => {
    const line = text.split('\n').find((l) => l.startsWith(`${prefix}:`));
    if (!line) throw new Error(`sockstat: no "${prefix}:" line`);
    const words = line
      .slice(prefix.length + 1)
      .trim()
      .split(/\s+/);
    const map = new Map<string, number>();
    for (let i = 0; i + 1 < words.length; i += 2) map.set(words[i]!, Number(words[i + 1]));
    return map;
  };
  const tcp = fields('TCP');
  const need = (name: string) => {
    const value = tcp.get(name);
    if (value === undefined || !Number.isFinite(value)) throw new Error(`sockstat: TCP line has no "${name}"`);
    return value;
  };
  return {
    socketsUsed: fields('sockets').get('used') ?? Number.NaN,
    tcp: { inuse: need('inuse'), orphan: need('orphan'), tw: need('tw'), alloc: need('alloc'), memPages: need('mem') },
  };
}

export async function readSockstat(): Promise<Sockstat> {
  return parseSockstat(await readFile('/proc/net/sockstat', 'utf8'));
}
