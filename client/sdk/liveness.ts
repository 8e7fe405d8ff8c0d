/**
 * Notices a connection that stopped carrying data without closing (the network
 * went silent: a phone out of coverage, a dead NAT entry, a stalled proxy).
 *
 * The contract (docs/protocol.md §2, docs/sdk.md "Liveness"):
 * - Every frame from the server counts as a sign of life. A waiter gets a tick
 *   every `tickMs` (from `hello`), so a live connection is never quiet for long.
 * - After `quietTicks` intervals with nothing heard (before joining, or after
 *   `admitted`, when no ticks come), the client sends a `ping`; the `pong`
 *   answers within one round trip.
 * - After `deadTicks` intervals with nothing heard, and at least `minDeadMs`,
 *   the connection is dead: `dead()` is called. The check runs every
 *   half interval, so a dead connection is given up within
 *   deadAfterMs + checkEveryMs of the last frame heard.
 * - A ping also goes every 25 s while ticks flow (the gateway's idle timeout
 *   counts what the client sends).
 *
 * With the default tickMs of 1 s: a ping after 2 s of silence, given up after
 * 5 s (checked every 0.5 s, so at most 5.5 s after the last frame).
 */

export interface LivenessOptions {
  /** Sends an application ping (its pong is a sign of life). */
  ping(): void;
  /** The connection is dead: give it up and reconnect. */
  dead(): void;
}

/** Before `hello` says otherwise (the gateway's default tick interval). */
export const DEFAULT_TICK_MS = 1000;
/** Intervals of silence before a ping. */
export const QUIET_TICKS = 2;
/** Intervals of silence before the connection is dead. */
export const DEAD_TICKS = 5;
/** Never give up sooner than this, whatever tickMs: ticks can be late when a node or its store is slow. */
export const MIN_DEAD_MS = 5_000;
/** Pings at least this often even while ticks flow, as the SDK always has (the gateway's idle timeout counts only what the client sends). */
const MAX_QUIET_MS = 25_000;

/** How long a silent connection lasts before it is given up, for a tick interval. */
export function deadAfterMs(tickMs: number): number {
  return Math.max(DEAD_TICKS * tickMs, MIN_DEAD_MS);
}

/** How often the watch looks: every half interval (at least every 50 ms, whatever tickMs). */
export function checkEveryMs(tickMs: number): number {
  return Math.max(tickMs / 2, 50);
}

export class LivenessWatch {
  private tickMs = DEFAULT_TICK_MS;
  private lastHeardAt = 0;
  private lastPingAt = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: LivenessOptions) {}

  /** A socket is being opened: the watch starts from now (heard() again once it opens). */
  start(): void {
    this.stop();
    this.tickMs = DEFAULT_TICK_MS;
    this.lastHeardAt = this.lastPingAt = Date.now();
    this.schedule();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A frame came. */
  heard(): void {
    this.lastHeardAt = Date.now();
  }

  /** `hello` told the tick interval. */
  setTickMs(tickMs: number): void {
    if (!(tickMs > 0) || tickMs === this.tickMs) return;
    this.tickMs = tickMs;
    if (this.timer !== undefined) this.schedule();
  }

  private schedule(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => this.check(), checkEveryMs(this.tickMs));
    (this.timer as { unref?: () => void }).unref?.(); // never what keeps a Node process alive
  }

  private check(): void {
    const now = Date.now();
    const silentMs = now - this.lastHeardAt;
    if (silentMs >= deadAfterMs(this.tickMs)) {
      this.stop();
      this.options.dead();
      return;
    }
    const quietMs = Math.min(QUIET_TICKS * this.tickMs, MAX_QUIET_MS);
    const sincePingMs = now - this.lastPingAt;
    if ((silentMs >= quietMs && sincePingMs >= quietMs) || sincePingMs >= MAX_QUIET_MS) {
      this.lastPingAt = now;
      this.options.ping();
    }
  }
}
