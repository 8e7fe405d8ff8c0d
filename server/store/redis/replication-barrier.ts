/**
 * Whether the writes a connection has made so far reached enough replicas:
 * Redis's WAIT, which counts the replicas that acknowledged every write of the
 * connection it is sent on, and blocks that connection until then or the
 * timeout. So at most one WAIT per shard key is in flight: callers that come
 * while one runs share the next one, which covers their writes too (they were
 * answered before it was sent). A booking then waits at most two timeouts
 * however many arrive at once, and a burst shares one replica round trip
 * (docs/decisions/027-replicated-before-confirmed.md).
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
  ) {}

  /**
   * True once `replicas` replicas acknowledged every write this connection made to the shard of `key` before the
   * call; false when they did not within the timeout, or the WAIT failed (the connection was lost).
   */
  async reached(key: string): Promise<boolean> {
    return (await this.acknowledged(key)) >= this.replicas;
  }

  private acknowledged(key: string): Promise<number> {
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { running: null, next: null }));
    if (!group.running) return this.start(key, group);
    const after = group.running;
    group.next ??= after.then(() => {
      group.next = null;
      return this.start(key, group);
    });
    return group.next;
  }

  private start(key: string, group: Group): Promise<number> {
    // A lost connection is an unconfirmed write like a timeout: the caller answers the same.
    const wait = this.redis.waitReplicas(key, this.replicas, this.timeoutMs).catch(() => 0);
    group.running = wait;
    // Registered before any caller's `then` on it, so a queued caller finds the group idle and starts its own WAIT.
    void wait.then(() => {
      group.running = null;
      if (!group.next) this.groups.delete(key);
    });
    return wait;
  }
}
