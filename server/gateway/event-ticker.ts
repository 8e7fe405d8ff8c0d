/**
 * One tick of one event on one node: read the shared figures once, broadcast
 * one identical frame to every waiter, record departures in one call, and
 * check only the few waiters whose turn may have come. The same read carries
 * the operators' notice and the latest revocations, acted on here; then the
 * turn notices of the places it brought near or to their turn. Nothing
 * here is per waiter in the store (DESIGN.md rule 1).
 */
import { encode } from '../../shared/protocol/codec.js';
import type { LaneTick, TickMessage } from '../../shared/protocol/messages.js';
import { BUCKET_WIDTHS } from '../../shared/queue/left-segments.js';
import { peopleAhead, type QueueSnapshot } from '../../shared/queue/position.js';
import { throttledWarn, type Warn } from '../observability/throttled-warn.js';
import { eventState } from '../queue/event-state.js';
import type { LaneFigures, QueueFigures } from '../store/types.js';
import { settleDue } from './admissions.js';
import type { TickContext } from './context.js';
import type { EventRoom } from './event-room.js';
import { followNotice } from './notices.js';
import { closeRevoked } from './revocations.js';
import { eventTopic } from './session.js';

/** The store's leaver counts as the tick carries them: first ticket number, bucket width, counts. */
export function leftSegments(left: QueueFigures['left']): TickMessage['l'] {
  return left.map(({ level, firstBucket, counts }) => ({ f: firstBucket * BUCKET_WIDTHS[level], w: BUCKET_WIDTHS[level], n: counts }));
}

export function tickFrame(room: EventRoom, figures: QueueFigures, now: number, degraded: boolean): TickMessage {
  return {
    type: 'tick',
    e: room.config.id,
    st: eventState(room.config, now, figures.paused),
    c: figures.cursor,
    i: figures.issued,
    q: figures.requeued,
    r: figures.ratePerMinute,
    t: now,
    l: leftSegments(figures.left),
    ...(figures.draw ? { dn: figures.draw.size, ds: figures.draw.seed } : {}),
    ...(degraded ? { d: true } : {}),
    ...(figures.lanes.length > 0 ? { ln: laneTicks(room, figures) } : {}),
  };
}

/** The lanes' part of the tick: each lane anyone joined, with its share in the event's config (0 once taken out of it). */
function laneTicks(room: EventRoom, figures: QueueFigures): LaneTick[] {
  return figures.lanes.map((lane) => ({
    k: lane.line,
    id: lane.id,
    s: room.config.lanes.find(({ id }) => id === lane.id)?.share ?? 0,
    c: lane.cursor,
    i: lane.issued,
    q: lane.requeued,
    l: leftSegments(lane.left),
  }));
}

/** A lane's figures as peopleAhead reads them (its rate does not matter for counting). */
export function laneSnapshot(lane: LaneFigures): QueueSnapshot {
  return { st: 'open', c: lane.cursor, i: lane.issued, q: lane.requeued, r: 0, l: leftSegments(lane.left) };
}

/** People waiting in the whole event: ahead of the next ticket to be issued. */
export function waitingIn(frame: TickMessage): number {
  return peopleAhead(frame, frame.i + 1);
}

/** While an event's store (its shard) stays away, its failed ticks are logged once per this interval, with how many were held back. */
const TICK_FAILURE_LOG_MS = 10_000;

export class EventTicker {
  private readonly warnTickFailed: Warn;

  constructor(
    private readonly ctx: TickContext,
    private readonly room: EventRoom,
  ) {
    this.warnTickFailed = throttledWarn(ctx.log, TICK_FAILURE_LOG_MS);
  }

  async tick(): Promise<void> {
    const { ctx, room } = this;
    const eventId = room.config.id;
    const now = ctx.clock.now();
    const stopTimer = ctx.metrics.tickSeconds.startTimer({ event: eventId });
    try {
      await room.flushDepartures({
        disconnect: (ticketNos) => ctx.queue.disconnect(eventId, ticketNos, now, ctx.node),
        reconnect: (ticketNo) => ctx.queue.reconnect(eventId, ticketNo, now, ctx.node),
      });
      const figures = await ctx.queue.figures(eventId, now, ctx.node);
      room.lastFigures = figures;
      const frame = tickFrame(room, figures, now, false);
      this.publish(frame);
      room.lastTick = frame;
      room.queueWaiting = waitingIn(frame);
      followNotice(ctx, room, figures.notice);
      closeRevoked(room, figures.revoked);
      ctx.metrics.activeBookers.set({ event: eventId }, figures.active);
      ctx.metrics.eventAdmitted.set({ event: eventId }, figures.admittedTotal);
      ctx.metrics.queueWaiting.set({ event: eventId }, room.queueWaiting);
      ctx.metrics.eventOpen.set({ event: eventId }, frame.st === 'open' ? 1 : 0);
      ctx.metrics.maxActive.set({ event: eventId }, room.config.maxActive);
      const due = room.takeDue(
        figures.cursor,
        figures.draw,
        figures.lanes.map(({ line, cursor }) => ({ line, cursor })),
      );
      if (due.length > 0) await settleDue(ctx, room, due, now);
      await this.noticeTurns(frame, now);
    } catch (error) {
      // Fail closed: nobody is admitted; waiters keep their place and learn the queue is reconnecting.
      if (room.lastFigures) this.publish(tickFrame(room, room.lastFigures, now, true));
      this.warnTickFailed({ err: error, event: eventId }, 'tick failed: queue store unreachable');
    } finally {
      ctx.metrics.waiting.set({ event: eventId }, room.waiterCount);
      stopTimer();
    }
  }

  /** The turn notices of the places this tick brought near or to their turn: a failure here fails no tick. */
  private async noticeTurns(frame: TickMessage, now: number): Promise<void> {
    try {
      await this.ctx.turnNotices.afterTick(this.room, frame, now);
    } catch (error) {
      this.warnTickFailed({ err: error, event: this.room.config.id }, 'turn notices not claimed: store unreachable');
    }
  }

  private publish(frame: TickMessage): void {
    const bytes = encode(frame);
    this.room.lastFrame = bytes;
    const started = performance.now();
    this.ctx.transport().publish(eventTopic(this.room.config.id), bytes);
    // uWS's publish only queues the frame; the writes to every socket follow before the next setImmediate.
    setImmediate(() => this.ctx.metrics.publishSeconds.observe({ event: this.room.config.id }, (performance.now() - started) / 1000));
  }
}
