/**
 * The console's history of each event, kept in the store so that every
 * gateway serves the same one and a restarted gateway serves what was
 * sampled before it started. Every gateway samples every `stepMs` the events
 * it ticks, on the same grid of times (multiples of stepMs): the first sample
 * of a time is kept, the others change nothing (server/store/types.ts
 * HistoryStore), so gateways need no coordination and any one of them keeps
 * the history going. Waiting, admitted and active come from the figures the
 * last tick read; bookings (one count per event) and connections per node
 * (every gateway's report) are read here. Per-minute rates are differences
 * between neighbouring samples.
 */
import type { HistoryPoint } from '../../shared/http/console.js';
import type { HistorySample, HistoryStore, NodePresence } from '../store/types.js';
import type { GatewayContext } from './context.js';

const HOUR_MS = 3_600_000;
/** How long the store keeps an event's samples (docs/operations.md gives the memory this takes). */
export const HISTORY_KEEP_MS = 24 * HOUR_MS;

export interface HistoryOptions {
  stepMs: number;
  /** A node silent for longer than this is left out of the connection counts (controller.nodeTimeoutMs). */
  nodeTimeoutMs: number;
}

export class EventHistory {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly store: HistoryStore,
    private readonly options: HistoryOptions,
  ) {}

  get stepMs(): number {
    return this.options.stepMs;
  }

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.options.stepMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * One sample of every event this node has ticked. Each event is sampled on
   * its own (its shard may be away while the others' are not); while the
   * nodes' reports (one deployment-wide key) cannot be read, samples go on
   * without connection counts.
   */
  async sample(): Promise<void> {
    const { ctx } = this;
    const now = ctx.clock.now();
    const t = now - (now % this.options.stepMs);
    const taken = [...ctx.rooms()].flatMap((room) => (room.lastFigures ? [{ eventId: room.config.id, waiting: room.queueWaiting, ...room.lastFigures }] : []));
    const connections = await this.liveConnections(now).catch((error: unknown) => {
      ctx.log.warn({ err: error }, "history: the nodes' reports could not be read; this sample has no connection counts");
      return {};
    });
    const results = await Promise.allSettled(
      taken.map(async ({ eventId, waiting, admittedTotal, active }) => {
        const sample: HistorySample = { t, waiting, admittedTotal, active, bookings: await ctx.bookings.bookingCount(eventId), connections };
        await this.store.append(eventId, sample, HISTORY_KEEP_MS);
      }),
    );
    const failed = results.flatMap((result, k) => (result.status === 'rejected' ? [{ eventId: taken[k]!.eventId, reason: result.reason as unknown }] : []));
    if (failed.length > 0)
      ctx.log.warn(
        { err: failed[0]!.reason, events: failed.map((each) => each.eventId) },
        'history: the store could not be read or written; these events miss this sample',
      );
  }

  /** The event's samples of the last `windowMs` before `now`, oldest first; each point's rates are measured since the point before it. */
  async series(eventId: string, now: number, windowMs: number): Promise<HistoryPoint[]> {
    // One sample more than the window: the first point's rates need the one before it.
    const samples = await this.store.read(eventId, now - windowMs - this.options.stepMs);
    return samples.slice(1).map((sample, k) => {
      const before = samples[k]!;
      const perMinute = (now: number, then: number) => (Math.max(0, now - then) * 60_000) / Math.max(1, sample.t - before.t);
      return {
        t: sample.t,
        waiting: sample.waiting,
        admittedPerMinute: perMinute(sample.admittedTotal, before.admittedTotal),
        active: sample.active,
        bookingsPerMinute: perMinute(sample.bookings, before.bookings),
        connections: sample.connections,
      };
    });
  }

  /** Connections per live node by name; reports silent for over an hour are dropped from the store. */
  private async liveConnections(now: number): Promise<Record<string, number>> {
    const reports = await this.ctx.queue.presence();
    const gone = reports.filter((report) => report.lastSeenAt < now - HOUR_MS).map((report) => report.node);
    if (gone.length > 0) await this.ctx.queue.forgetPresence(gone);
    return Object.fromEntries(newestReports(reports, now - this.options.nodeTimeoutMs).map((report) => [report.name, report.connections]));
  }
}

/** The newest report of each node name seen since `since` (a restarted node reports under a new number). */
export function newestReports(reports: readonly NodePresence[], since: number): NodePresence[] {
  const newest = new Map<string, NodePresence>();
  for (const report of reports) {
    if (report.lastSeenAt < since) continue;
    const known = newest.get(report.name);
    if (!known || report.lastSeenAt > known.lastSeenAt) newest.set(report.name, report);
  }
  return [...newest.values()].sort((a, b) => a.name.localeCompare(b.name));
}
