/**
 * The console's history of each event, kept in the store so that every
 * gateway serves the same one and a restarted gateway serves what was
 * sampled before it started. Every gateway samples every `stepMs` the events
 * it ticks, on the same grid of times (multiples of stepMs): the first sample
 * of a time is kept, the others change nothing (server/store/types.ts
 * HistoryStore), so gateways need no coordination and any one of them keeps
 * the history going. Waiting, admitted and active come from the figures the
 * last tick read; bookings (one count per event) and connections per node
 * (every gateway's report) are read here. Per-minute rates are measured
 * over the minute before each point (RATE_WINDOW_MS): admissions come in the
 * controller's bursts, and a difference over one 5-s step showed twice the
 * limit (one admission in 5 s reads as 12 a minute against a limit of 6).
 */
import type { HistoryPoint } from '../../shared/http/console.js';
import type { HistorySample, HistoryStore, NodePresence } from '../store/types.js';
import type { GatewayContext } from './context.js';

const HOUR_MS = 3_600_000;
/** The span a per-minute rate is measured over (the step when that is longer). */
export const RATE_WINDOW_MS = 60_000;
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

  /**
   * The event's samples of the last `windowMs` before `now`, oldest first; each point's rates are measured over the
   * RATE_WINDOW_MS before it (or since the oldest sample, for the first points of a young history).
   */
  async series(eventId: string, now: number, windowMs: number): Promise<HistoryPoint[]> {
    const rateWindow = Math.max(RATE_WINDOW_MS, this.options.stepMs);
    const from = now - windowMs;
    // Samples from a rate window before the first point: its rates need them.
    const samples = await this.store.read(eventId, from - rateWindow);
    let start = 0; // the sample a point's rates are measured from: the oldest within the rate window before it
    return samples.flatMap((sample, k) => {
      while (start < k - 1 && samples[start]!.t < sample.t - rateWindow) start++;
      const before = samples[start]!;
      if (k === 0 || sample.t < from) return [];
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
