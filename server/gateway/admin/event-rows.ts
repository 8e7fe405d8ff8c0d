/** An event as the console lists it: its configuration, the queue's figures and the bookings, read from the store now. */
import type { EventRow, LaneRow } from '../../../shared/http/console.js';
import { peopleAhead } from '../../../shared/queue/position.js';
import { eventState } from '../../queue/event-state.js';
import { NO_FIGURES, type QueueFigures } from '../../store/types.js';
import type { EventRoom, GatewayContext } from '../context.js';
import { laneSnapshot, tickFrame, waitingIn } from '../event-ticker.js';

export function rowOf(room: EventRoom, figures: QueueFigures, bookings: number, now: number, storeReachable = true): EventRow {
  const { config } = room;
  return {
    id: config.id,
    title: config.title,
    state: eventState(config, now, figures.paused),
    paused: figures.paused,
    opensAt: config.opensAt,
    closesAt: config.closesAt,
    maxActive: config.maxActive,
    admitsPerMinute: config.admitsPerMinute,
    waiting: waitingIn(tickFrame(room, figures, now, false)),
    admittedTotal: figures.admittedTotal,
    active: figures.active,
    ratePerMinute: figures.ratePerMinute,
    bookings,
    notice: figures.notice?.text ? figures.notice : null,
    storeReachable,
    lanes: laneRows(room, figures),
  };
}

/** The configured lanes with their figures (none yet for a lane nobody joined). */
function laneRows(room: EventRoom, figures: QueueFigures): LaneRow[] {
  return room.config.lanes.map(({ id, name, share }) => {
    const lane = figures.lanes.find((each) => each.id === id);
    const waiting = lane ? peopleAhead(laneSnapshot(lane), lane.issued + 1) : 0;
    return { id, name, share, waiting, admittedTotal: lane?.admittedTotal ?? 0 };
  });
}

/** The row of an event whose store cannot be read now: the figures of this gateway's last tick of it, flagged. */
export function unreachableRow(room: EventRoom, now: number): EventRow {
  return rowOf(room, room.lastFigures ?? NO_FIGURES, 0, now, false);
}

/** Reads the event's figures (as this node's heartbeat, like a tick) and its booking count. */
export async function eventRow(ctx: GatewayContext, room: EventRoom, now: number): Promise<EventRow> {
  const [figures, bookings] = await Promise.all([ctx.queue.figures(room.config.id, now, ctx.node), ctx.bookings.bookingCount(room.config.id)]);
  return rowOf(room, figures, bookings, now);
}
