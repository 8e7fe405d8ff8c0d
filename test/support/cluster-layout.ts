/**
 * Where keys sit on a test Redis Cluster (test/support/redis-server.ts): the
 * master owning each slot, event ids whose hash tags land on chosen masters,
 * and a key prefix whose deployment-wide keys (live events, presence, audit)
 * share one master, so one kill takes them all away. Slots are computed as
 * Redis computes them (node-redis's own cluster-key-slot).
 */
import { readFile, writeFile } from 'node:fs/promises';
import calculateSlot from 'cluster-key-slot';
import { createClient } from 'redis';
import { eventKeys, globalKeys, liveEventsKey } from '../../server/store/redis/keys.js';
import { redisCommand, type RedisCluster } from './redis-server.js';

type SlotRange = [number, number, [string, number, ...unknown[]]];

async function slotRanges(url: string): Promise<SlotRange[]> {
  const client = createClient({ url });
  await client.connect();
  const ranges = (await client.sendCommand(['CLUSTER', 'SLOTS'])) as SlotRange[];
  await client.quit();
  return ranges;
}

/** slot → "host:port" of its master, from CLUSTER SLOTS. */
export async function slotOwners(url: string): Promise<(slot: number) => string> {
  const ranges = await slotRanges(url);
  return (slot) => {
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`slot ${slot} has no owner`);
    return `${range[2][0]}:${range[2][1]}`;
  };
}

/** Every master ("host:port") that owns slots, in slot order. */
export async function mastersOf(cluster: RedisCluster): Promise<string[]> {
  return [...new Set((await slotRanges(cluster.urls[0]!)).sort((a, b) => a[0] - b[0]).map(([, , [host, port]]) => `${host}:${port}`))];
}

/** The master ("host:port") that holds `key`. */
export type OwnerOfKey = (key: string) => string;

export async function keyOwners(cluster: RedisCluster): Promise<OwnerOfKey> {
  const owner = await slotOwners(cluster.urls[0]!);
  return (key) => owner(calculateSlot(key));
}

/** One event id per master in `masters` (in that order): `${stem}-<n>` for the first n whose tag lands there. */
export function eventIdsOn(owner: OwnerOfKey, masters: readonly string[], stem: string): string[] {
  return masters.map((master) => {
    for (let n = 0; n < 10_000; n++) {
      const id = `${stem}-${n}`;
      if (owner(eventKeys('p', id).meta) === master) return id;
    }
    throw new Error(`no event id ${stem}-<n> lands on ${master}`);
  });
}

/**
 * The deployment-wide keys of `prefix` that are one key each (server/store/redis/keys.ts); operator sessions spread
 * over slots, and the sign-in counters share the fixed tag {sign-in} (signInShard).
 */
export function deploymentKeys(prefix: string): string[] {
  const global = globalKeys(prefix);
  return [liveEventsKey(prefix), global.presence, global.audit];
}

/** The master of the sign-in throttle's counters (their tag does not depend on the prefix). */
export function signInShard(owner: OwnerOfKey): string {
  return owner(globalKeys('p').signInCounter('account', 'x'));
}

/** `${base}-<n>`, the first whose deployment-wide keys all sit on one master other than `notOn`; that master too. */
export function prefixWithDeploymentKeysTogether(owner: OwnerOfKey, base: string, notOn?: string): { prefix: string; master: string } {
  for (let n = 0; n < 10_000; n++) {
    const prefix = `${base}-${n}`;
    const masters = new Set(deploymentKeys(prefix).map(owner));
    if (masters.size === 1 && !masters.has(notOn ?? '')) return { prefix, master: [...masters][0]! };
  }
  throw new Error(`no prefix ${base}-<n> puts its deployment-wide keys on one master`);
}

/** Rewrites fields of a config file written by writeClusterConfig (./processes.ts), e.g. its store.keyPrefix. */
export async function editConfig(path: string, edit: (config: Record<string, Record<string, unknown>>) => void): Promise<void> {
  const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, unknown>>;
  edit(config);
  await writeFile(path, JSON.stringify(config));
}

/** CONFIG SET on every node (e.g. cluster-require-full-coverage); each must answer OK. */
export async function configSetAll(cluster: RedisCluster, name: string, value: string): Promise<void> {
  for (const node of cluster.nodes) {
    const answer = await redisCommand(node.port, ['CONFIG', 'SET', name, value]);
    if (answer !== 'OK') throw new Error(`CONFIG SET ${name} ${value} on ${node.url}: ${answer}`);
  }
}
