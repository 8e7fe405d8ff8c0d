/**
 * Whether the writes a connection has made so far reached enough replicas:
 * Redis's WAIT, which counts the replicas that acknowledged every write of the
 * connection it is sent on, and blocks that connection until then or the
 * timeout. So at most one WAIT per group is in flight: callers that come
 * while one runs share the next one, which covers their writes too (they were
 * answered before it was sent). A booking then waits at most two timeouts
 * however many arrive at once, and a burst shares one replica round trip
 * (docs/decisions/027-replicated-before-confirmed.md). A group is what one WAIT
 * can cover: everything on one Redis; on a cluster, one event's hash tag (the
 * client does not know which events share a shard).
 */
import type { RedisConnection } from './client.js';

interface Group {
  running: Promise<number> | null;
  next: Promise<number> | null;
}

export class ReplicationBarrier {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly redis: RedisConnection,
    readonly replicas: number,
    readonly timeoutMs: number,
    /** The group of a key that WAIT is routed by. */
    private readonly groupOf: (key: string) => string,
  ) {}

  /**
   * True once `replicas` replicas acknowledged every write this connection made to the shard of `key` before the
   * call; false when they did not within the timeout, or the WAIT failed (the connection was lost).
   */
  async reached(key: string): Promise<boolean> {
    return (await this.acknowledged(key)) >= this.replicas;
  }

  private acknowledged(key: string): Promise<number> {
    const name = this.groupOf(key);
    let group = this.groups.get(name);
    if (!group) this.groups.set(name, (group = { running: null, next: null }));
    if (!group.running) return this.start(key, name, group);
    const after = group.running;
    group.next ??= after.then(() => {
      group.next = null;
      return this.start(key, name, group);
    });
    return group.next;
  }

  private start(key: string, name: string, group: Group): Promise<number> {
    // A lost connection is an unconfirmed write like a timeout: the caller answers the same.
    const wait = this.redis.waitReplicas(key, this.replicas, this.timeoutMs).catch(() => 0);
    group.running = wait;
    // Registered before any caller's `then` on it, so a queued caller finds the group idle and starts its own WAIT.
    void wait.then(() => {
      group.running = null;
      if (!group.next) this.groups.delete(name);
    });
    return wait;
  }
}
