/**
 * Health per event (decision 026): on a Redis Cluster an event lives on one
 * shard, so an unreachable shard degrades only its own events. A process is
 * ready while it can serve at least one live event; the probes never turn red
 * for an outage that every process shares, or a load balancer would pull every
 * gateway and take the healthy events down with the broken one. The metrics
 * name the event and the shard that cannot be reached.
 */
import { Gauge, type Registry } from 'prom-client';
import type { StoreHealth, Stores } from '../store/types.js';

export class StoreHealthMonitor {
  private checking: Promise<StoreHealth> | null = null;

  constructor(
    private readonly stores: Pick<Stores, 'health'>,
    /** The ids of the live events. */
    private readonly eventIds: () => readonly string[],
  ) {}

  /** One check at a time: a probe and a scrape arriving together share it. */
  check(): Promise<StoreHealth> {
    this.checking ??= this.stores.health().finally(() => (this.checking = null));
    return this.checking;
  }

  /**
   * The readiness rule: the store serves at least one live event (with none live, some shard answers, or
   * there are no shards: the memory store). The deployment-wide keys are not part of it: every process
   * shares them, so no process is readier than another while they are away (their features degrade alone).
   */
  async servesAny(): Promise<boolean> {
    const health = await this.check();
    const events = this.eventIds();
    if (events.length === 0) return health.shards.length === 0 || health.shards.some((each) => each.up);
    return events.some((eventId) => health.serves(eventId));
  }

  /**
   * waitroom_event_store_up{event} (one series per live event) and waitroom_redis_shard_up{shard} (one per
   * master the client knows), set at each scrape; series of events or shards that are gone are dropped.
   */
  registerMetrics(registry: Registry): void {
    const monitor = this;
    new Gauge({
      name: 'waitroom_event_store_up',
      help: 'Per live event: 1 when this process reaches everything the event needs in the store (its Redis shard, and PostgreSQL when bookings are there), else 0 (its joins, admissions and bookings wait; its waiters see reconnecting ticks)',
      labelNames: ['event'],
      registers: [registry],
      async collect() {
        const health = await monitor.check();
        this.reset();
        for (const event of monitor.eventIds()) this.set({ event }, health.serves(event) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'waitroom_redis_shard_up',
      help: 'Per Redis shard (a Cluster master, or the one Redis, by host:port): 1 when it answered PING at this scrape, else 0',
      labelNames: ['shard'],
      registers: [registry],
      async collect() {
        const { shards } = await monitor.check();
        this.reset();
        for (const { shard, up } of shards) this.set({ shard }, up ? 1 : 0);
      },
    });
  }
}
