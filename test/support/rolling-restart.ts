/**
 * A rolling restart of gateway processes behind a running HAProxy, in one of the two orders
 * docs/operations.md compares: `surge` starts each replacement in the free server slot and waits until
 * HAProxy has it UP before the old one gets SIGTERM (its slot is then free for the next); `in-place`
 * SIGTERMs a gateway, waits for it to exit and starts its replacement on the same port. HAProxy's log
 * says when it took a server in or out.
 */
import { mostWithin, pollUntil } from './cluster-flow.js';
import type { RunningHaproxy } from './haproxy.js';
import type { ServingNode } from './processes.js';

export interface Slot {
  /** The HAProxy server name, also the gateway's nodeId. */
  name: string;
  port: number;
  /** The gateway running in the slot, if any. */
  node: ServingNode | null;
  start(name: string, port: number): Promise<ServingNode>;
}

/** How many times HAProxy has logged `gateways/<name> is <state>`. */
export function countSaid(haproxy: RunningHaproxy, name: string, state: 'UP' | 'DOWN'): number {
  return haproxy.output().match(new RegExp(`Server gateways/${name} is ${state}`, 'g'))?.length ?? 0;
}

/** Resolves with the time HAProxy logs `gateways/<name> is <state>` for more than `seenBefore` times. */
export async function haproxySays(haproxy: RunningHaproxy, name: string, state: 'UP' | 'DOWN', seenBefore: number, timeoutMs: number): Promise<number> {
  await pollUntil(() => countSaid(haproxy, name, state) > seenBefore, timeoutMs, `HAProxy: ${name} ${state}`, 20);
  return Date.now();
}

async function startIn(slot: Slot, haproxy: RunningHaproxy): Promise<number> {
  const upBefore = countSaid(haproxy, slot.name, 'UP');
  slot.node = await slot.start(slot.name, slot.port);
  return haproxySays(haproxy, slot.name, 'UP', upBefore, 30_000);
}

async function drain(slot: Slot): Promise<number> {
  const node = slot.node!;
  node.kill('SIGTERM');
  const status = await node.exited;
  if (status !== 0) throw new Error(`${slot.name} exited with ${String(status)}`);
  slot.node = null;
  return Date.now();
}

/** Restarts every running gateway once, in `order`; resolves with one line per restart for the test's log. */
export async function rollingRestart(slots: Slot[], haproxy: RunningHaproxy, order: 'surge' | 'in-place'): Promise<string[]> {
  const lines: string[] = [];
  for (const old of slots.filter((slot) => slot.node)) {
    const began = Date.now();
    if (order === 'surge') {
      const free = slots.find((slot) => !slot.node)!;
      const upAt = await startIn(free, haproxy);
      const exitedAt = await drain(old);
      lines.push(`${old.name} replaced by a gateway in ${free.name}: UP after ${upAt - began} ms, the old one drained and exited after ${exitedAt - upAt} ms`);
    } else {
      const exitedAt = await drain(old);
      const upAt = await startIn(old, haproxy);
      lines.push(`${old.name} restarted in place: drained and exited after ${exitedAt - began} ms, UP again after ${upAt - exitedAt} ms`);
    }
  }
  return lines;
}

/** How many of `values` are each value. */
export function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** The most landings on each gateway within any `windowMs` (sliding), as a rate a second. */
export function peakRate(landings: readonly { at: number; node: string }[], windowMs: number): Record<string, number> {
  const byNode = new Map<string, number[]>();
  for (const { at, node } of landings) {
    const times = byNode.get(node) ?? [];
    times.push(at);
    byNode.set(node, times);
  }
  return Object.fromEntries(
    [...byNode].sort(([a], [b]) => a.localeCompare(b)).map(([node, times]) => [node, Math.round((mostWithin(times, windowMs) * 1000) / windowMs)]),
  );
}
