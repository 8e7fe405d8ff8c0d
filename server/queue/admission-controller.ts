/**
 * Admits people of each event at the booking system's capacity: at most
 * `maxActive` unused, unexpired grants and at most `admitsPerMinute`, in ticket
 * order, passing over those who left. Exactly one controller acts per event:
 * each step takes or renews the event's lease in the same atomic store call
 * that admits, so a controller whose lease ran out admits nothing, and one that
 * dies is replaced by the next step elsewhere once its lease runs out. The step
 * also turns the waiters of dead gateways away (their heartbeats stopped).
 *
 * It only moves the store's cursor; gateways notice admissions on their next
 * tick and hand their own clients the grants (server/gateway/waiters.ts).
 */
import type { Clock } from '../clock.js';
import type { EventConfig } from '../config/event-schema.js';
import type { ControllerMetrics } from '../observability/metrics.js';
import type { Logger } from '../observability/log.js';
import { throttledWarn, type Warn } from '../observability/throttled-warn.js';
import type { AdmitStepResult, QueueStore } from '../store/types.js';
import { eventState } from './event-state.js';
import { RateEstimator } from './rate-estimator.js';

const STEP_FAILURE_LOG_MS = 10_000;

export interface AdmissionControllerOptions {
  holderId: string;
  store: QueueStore;
  clock: Clock;
  events: () => readonly EventConfig[];
  leaseMs: number;
  nodeTimeoutMs: number;
  maxStepsPerTick: number;
  metrics: ControllerMetrics;
  log: Logger;
}

export class AdmissionController {
  private readonly rates = new Map<string, RateEstimator>();
  private readonly leading = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt: number;
  /**
   * Per event, the last time its step could not reach the store (the start counts for every event): its
   * heartbeats are not judged until nodeTimeoutMs after it. Per event, as the heartbeats are (in the event's
   * keys): on a Redis Cluster one event's shard may be away while the others' are not (decision 026).
   */
  private readonly storeLostAt = new Map<string, number>();
  /** Per event: a step failing every tick while its shard is away is logged once per STEP_FAILURE_LOG_MS. */
  private readonly stepFailureWarns = new Map<string, Warn>();
  private running: Promise<void> | null = null;

  constructor(private readonly options: AdmissionControllerOptions) {
    this.startedAt = options.clock.now();
  }

  start(tickMs: number): void {
    this.timer = setInterval(() => void this.tick(), tickMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await Promise.allSettled([...this.leading].map((id) => this.options.store.releaseLease(id, this.options.holderId)));
    this.leading.clear();
  }

  /** One step for every event; overlapping calls wait for the running one. */
  tick(): Promise<void> {
    this.running ??= this.stepAll().finally(() => (this.running = null));
    return this.running;
  }

  /** Steps every live event (the list is read each tick, so added events start and removed ones stop). */
  private async stepAll(): Promise<void> {
    const events = this.options.events();
    await this.letGoOfRemoved(new Set(events.map((event) => event.id)));
    await Promise.all(events.map((event) => this.step(event)));
  }

  /** Events no longer configured: give their leases up and forget their rates and metrics. */
  private async letGoOfRemoved(live: ReadonlySet<string>): Promise<void> {
    const removed = [...new Set([...this.leading, ...this.rates.keys()])].filter((id) => !live.has(id));
    if (removed.length === 0) return;
    for (const id of removed) {
      this.rates.delete(id);
      this.options.metrics.rate.remove({ event: id });
      this.options.metrics.leader.remove({ event: id });
    }
    const leading = removed.filter((id) => this.leading.delete(id));
    await Promise.allSettled(leading.map((id) => this.options.store.releaseLease(id, this.options.holderId)));
    this.options.log.info({ events: removed }, 'controller: stopped admitting for removed events');
  }

  private async step(event: EventConfig): Promise<AdmitStepResult | null> {
    const { store, clock, metrics, holderId } = this.options;
    const now = clock.now();
    const state = eventState(event, now, false);
    if (state === 'closed') return null;
    try {
      const rate = this.rateOf(event);
      const result = await store.admit(event.id, {
        now,
        holder: holderId,
        leaseMs: this.options.leaseMs,
        nodeTimeoutMs: this.options.nodeTimeoutMs,
        reapDeadNodes: now - (this.storeLostAt.get(event.id) ?? this.startedAt) >= this.options.nodeTimeoutMs,
        admitting: state === 'open',
        opensAt: event.opensAt,
        maxActive: event.maxActive,
        admitsPerMinute: event.admitsPerMinute,
        graceMs: event.graceSeconds * 1000,
        grantTtlMs: event.grantTtlSeconds * 1000,
        maxSteps: this.options.maxStepsPerTick,
        ratePerMinute: rate.perMinute(),
        lanes: event.lanes.map(({ id, share }) => ({ id, share })),
      });
      this.setLeading(event.id, result.leader);
      if (!result.leader) return null;
      // Only steps allowed to admit say anything about the queue's speed: a pre-queue's steps (nobody may be
      // admitted, yet people wait) would otherwise measure 0 and blank every ETA at the opening.
      rate.record(now, result.admitted.length, result.backlogged && state === 'open');
      metrics.admitted.inc({ event: event.id }, result.admitted.length);
      metrics.skipped.inc({ event: event.id }, result.skipped);
      metrics.reaped.inc({ event: event.id }, result.reaped);
      metrics.rate.set({ event: event.id }, rate.perMinute());
      return result;
    } catch (error) {
      // Fail closed: an unreachable store admits nobody; the next tick tries again.
      metrics.storeErrors.inc();
      this.storeLostAt.set(event.id, now);
      this.setLeading(event.id, false);
      this.warnStepFailed(event.id)({ err: error, event: event.id }, 'admission step failed');
      return null;
    }
  }

  private warnStepFailed(eventId: string): Warn {
    let warn = this.stepFailureWarns.get(eventId);
    if (!warn) this.stepFailureWarns.set(eventId, (warn = throttledWarn(this.options.log, STEP_FAILURE_LOG_MS)));
    return warn;
  }

  private setLeading(eventId: string, leader: boolean): void {
    if (leader) this.leading.add(eventId);
    else this.leading.delete(eventId);
    this.options.metrics.leader.set({ event: eventId }, leader ? 1 : 0);
  }

  private rateOf(event: EventConfig): RateEstimator {
    let rate = this.rates.get(event.id);
    if (!rate) this.rates.set(event.id, (rate = new RateEstimator(event.admitsPerMinute)));
    rate.setConfigured(event.admitsPerMinute);
    return rate;
  }
}
