/**
 * Slow readers (docs/protocol.md §1, §8). The amount is bounded by the
 * transport: a connection more than maxBackpressureBytes behind misses ticks
 * (skipped on publish; ticks are idempotent, the next one carries the latest
 * position) and a reply that cannot be queued closes it, so its buffer never
 * grows past that limit plus one frame. The time is bounded here: a
 * connection whose unsent buffer has not emptied for backpressureCloseSeconds
 * (the kernel's socket buffer is full, some MB of ticks unread: the reader is
 * gone or paused) is closed with 4001 BACKPRESSURE. Checked every quarter of
 * that time (at most every 5 s), not every tick: one buffer-size read per
 * connection.
 */
import { Gauge, type Registry } from 'prom-client';
import { CloseCode } from '../../../shared/protocol/codes.js';
import type { Session } from '../session.js';

const MAX_SWEEP_MS = 5000;

export function createBackpressureMetrics(registry: Registry) {
  return {
    behind: new Gauge({
      name: 'waitroom_connections_behind',
      help: 'Connections with unsent bytes queued in the gateway at the last check',
      registers: [registry],
    }),
    bufferedBytes: new Gauge({
      name: 'waitroom_backpressure_bytes',
      help: 'Bytes queued for all connections and not yet written, at the last check',
      registers: [registry],
    }),
  };
}

export class StuckReaders {
  private nextSweepAt = 0;
  private readonly sweepMs: number;
  private readonly metrics: ReturnType<typeof createBackpressureMetrics>;

  constructor(
    private readonly closeAfterMs: number,
    registry: Registry,
  ) {
    this.sweepMs = Math.min(MAX_SWEEP_MS, closeAfterMs / 4);
    this.metrics = createBackpressureMetrics(registry);
  }

  /** Checks every session when a check is due (Session.close counts the closes). */
  sweep(sessions: Iterable<Session>, now: number): void {
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + this.sweepMs;
    let behind = 0;
    let bufferedBytes = 0;
    for (const session of sessions) {
      const buffered = session.connection.bufferedAmount();
      bufferedBytes += buffered;
      if (buffered === 0) {
        session.behindSince = null;
        continue;
      }
      behind++;
      session.behindSince ??= now;
      if (now - session.behindSince >= this.closeAfterMs) session.close(CloseCode.BACKPRESSURE, 'too far behind for too long; resume to continue');
    }
    this.metrics.behind.set(behind);
    this.metrics.bufferedBytes.set(bufferedBytes);
  }
}
