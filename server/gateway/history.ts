/**
 * The console's last hour, sampled by each gateway for itself every
 * `stepMs` (one hour of samples per event, in a ring). Waiting, admitted and
 * active come from the figures the last tick read; bookings (one count per
 * event) and connections per node (every gateway's report) are read here.
 * Per-minute rates are differences between neighbouring samples.
 */
import type { HistoryPoint } from '../../shared/http/console.js';
import type { NodePresence } from '../store/types.js';
import type { GatewayContext } from './context.js';

const HOUR_MS = 3_600_000;

interface Sample {
  t: number;
  waiting: number;
  admittedTotal: number;
  active: number;
  bookings: number;
  connections: Record<string, number>;
}

export interface HistoryOptions {
  stepMs: number;
  /** A node silent for longer than this is left out of the connection counts (controller.nodeTimeoutMs). */
  nodeTimeoutMs: number;
}

export class EventHistory {
  private readonly samples = new Map<string, Sample[]>();
  private readonly capacity: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly options: HistoryOptions,
  ) {
    this.capacity = Math.ceil(HOUR_MS / options.stepMs);
  }

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

  /** One sample of every event this node has ticked; a store that cannot be read skips this sample. */
  async sample(): Promise<void> {
    const { ctx } = this;
    const rooms = [...ctx.rooms()].filter((room) => room.lastFigures);
    const now = ctx.clock.now();
    let connections: Record<string, number>;
    let bookings: number[];
    try {
      [connections, bookings] = await Promise.all([this.liveConnections(now), Promise.all(rooms.map((room) => ctx.bookings.bookingCount(room.config.id)))]);
    } catch (error) {
      ctx.log.warn({ err: error }, 'history: the store could not be read; this sample is skipped');
      return;
    }
    for (const eventId of this.samples.keys()) if (!ctx.room(eventId)) this.samples.delete(eventId);
    rooms.forEach((room, k) => {
      const { admittedTotal, active } = room.lastFigures!;
      const ring = this.samples.get(room.config.id) ?? [];
      ring.push({ t: now, waiting: room.queueWaiting, admittedTotal, active, bookings: bookings[k]!, connections });
      if (ring.length > this.capacity) ring.shift();
      this.samples.set(room.config.id, ring);
    });
  }

  /** The event's last hour, oldest first; each point's rates are measured since the point before it. */
  series(eventId: string): HistoryPoint[] {
    const ring = this.samples.get(eventId) ?? [];
    return ring.slice(1).map((sample, k) => {
      const before = ring[k]!;
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
