/**
 * `GET /api/kiosk?event=ID&center=CID`: what a vaccination centre's kiosk
 * shows, public and uncached. The queue figures are the ones this node's last
 * tick broadcast (so `waiting` is the waitroom_queue_waiting metric of the
 * same moment); the slots are the booking API's availability for the centre.
 * Without `event`, the first live event that has the centre; without
 * `center`, the event's first centre.
 */
import type { KioskResponse } from '../../shared/http/kiosk.js';
import { HttpErrorCode } from '../../shared/http/error-codes.js';
import type { TickMessage } from '../../shared/protocol/messages.js';
import { lineOfTicket } from '../../shared/queue/lanes.js';
import { etaSeconds, peopleAhead } from '../../shared/queue/position.js';
import { eventState } from '../queue/event-state.js';
import { centerAvailability } from '../reservations/availability.js';
import type { EventRoom, GatewayContext } from './context.js';
import { json } from './admin/responses.js';
import type { HttpRequest, HttpResponse } from './transport/types.js';

export const KIOSK_PATH = '/api/kiosk';

function notFound(code: typeof HttpErrorCode.UNKNOWN_EVENT | typeof HttpErrorCode.UNKNOWN_CENTER, message: string): HttpResponse {
  return json(404, { error: { code, message } });
}

function roomFor(ctx: GatewayContext, eventId: string | null, centerId: string | null): EventRoom | undefined {
  if (eventId) return ctx.room(eventId);
  const rooms = [...ctx.rooms()];
  return centerId ? rooms.find((room) => room.config.centers.some((center) => center.id === centerId)) : rooms[0];
}

export async function kiosk(ctx: GatewayContext, request: HttpRequest): Promise<HttpResponse> {
  const query = new URLSearchParams(request.query);
  const eventId = query.get('event');
  const centerId = query.get('center');
  const room = roomFor(ctx, eventId, centerId);
  if (!room) return notFound(HttpErrorCode.UNKNOWN_EVENT, eventId ? `no event "${eventId}"` : `no event has a center "${centerId}"`);
  const event = room.config;
  const center = centerId ? event.centers.find((c) => c.id === centerId) : event.centers[0];
  if (!center) return notFound(HttpErrorCode.UNKNOWN_CENTER, `event "${event.id}" has no center "${centerId}"`);
  let taken: Map<string, number>;
  try {
    taken = await ctx.bookings.taken(event.id);
  } catch {
    return json(503, { error: { code: HttpErrorCode.STORE_UNAVAILABLE, message: 'the booking store is unreachable; retry shortly' } });
  }
  const now = ctx.clock.now();
  const state = eventState(event, now, room.lastFigures?.paused ?? false);
  const waiting = room.queueWaiting;
  const tick = room.lastTick;
  return json(200, {
    now,
    event: { id: event.id, title: event.title, state, timeZone: event.timeZone },
    waiting,
    admittedPerMinute: tick?.r ?? 0,
    // Someone joining now has everyone waiting ahead of them.
    estimatedWaitSeconds: tick ? etaSeconds({ ...tick, st: state }, waiting) : null,
    center: centerAvailability(center, taken),
    lanes: tick ? laneFigures(room, { ...tick, st: state }) : [],
  } satisfies KioskResponse);
}

/** Each configured lane the tick shows: its waiting people and the wait of someone joining it now (docs/decisions/031). */
function laneFigures(room: EventRoom, tick: TickMessage): KioskResponse['lanes'] {
  return (tick.ln ?? []).flatMap((lane) => {
    const config = room.config.lanes.find(({ id }) => id === lane.id);
    const line = lineOfTicket(tick, lane.i + 1);
    if (!config || !line) return [];
    const waiting = peopleAhead(line.snapshot, lane.i + 1);
    return [{ id: lane.id, name: config.name, waiting, estimatedWaitSeconds: etaSeconds(line.snapshot, waiting) }];
  });
}
