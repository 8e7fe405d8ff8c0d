/**
 * Steering a queue through the store, so every gateway and the controller
 * see it: pause and resume admission, broadcast a notice, revoke a ticket.
 * Each is audited with what it was before and after.
 */
import { HttpErrorCode } from '../../../shared/http/error-codes.js';
import { NoticeBody, RevokeBody, type EventActionResponse, type NoticeResponse, type RevokeResponse } from '../../../shared/http/console.js';
import type { RevokeOutcome } from '../../store/types.js';
import { followNotice } from '../notices.js';
import type { HttpResponse } from '../transport/types.js';
import { parseBody } from './body.js';
import { eventRow } from './event-rows.js';
import { json, refuse, STORE_UNAVAILABLE, type Refusal } from './responses.js';
import { audit, type AdminServices, type EventCall } from './services.js';

/** Runs a store-backed action; a store failure is audited and answered 503 (the stores fail closed). */
async function attempt(services: AdminServices, call: EventCall, action: string, work: () => Promise<HttpResponse>): Promise<HttpResponse> {
  try {
    return await work();
  } catch (error) {
    audit(services, call, action, 'failed', { event: call.room.config.id, message: (error as Error).message });
    return refuse(STORE_UNAVAILABLE);
  }
}

/** `POST /admin/events/:id/pause` and `/resume`: nobody is admitted while paused; ticks show st 'paused'. */
export function setPaused(paused: boolean) {
  const action = paused ? 'queue.pause' : 'queue.resume';
  return (services: AdminServices, call: EventCall): Promise<HttpResponse> =>
    attempt(services, call, action, async () => {
      const { ctx } = services;
      const eventId = call.room.config.id;
      const before = (await ctx.queue.figures(eventId, call.now, ctx.node)).paused;
      await ctx.queue.setPaused(eventId, paused);
      const event = await eventRow(ctx, call.room, call.now);
      audit(services, call, action, 'applied', { event: eventId, before: { paused: before }, after: { paused } });
      return json(200, { event } satisfies EventActionResponse);
    });
}

/** `POST /admin/events/:id/notice`: every gateway broadcasts it at its next tick; this one at once. */
export async function sendNotice(services: AdminServices, call: EventCall): Promise<HttpResponse> {
  const body = parseBody(services, call, 'queue.notice', NoticeBody);
  if (!body.ok) return body.response;
  return attempt(services, call, 'queue.notice', async () => {
    const { ctx } = services;
    const eventId = call.room.config.id;
    const before = (await ctx.queue.figures(eventId, call.now, ctx.node)).notice;
    // Clearing the notice clears both languages.
    const en = body.value.text && body.value.en ? body.value.en : null;
    const notice = await ctx.queue.setNotice(eventId, body.value.text, call.now, en);
    followNotice(ctx, call.room, notice);
    audit(services, call, 'queue.notice', 'applied', {
      event: eventId,
      before: { text: before?.text ?? '', en: before?.en ?? null },
      after: { text: notice.text, en: notice.en, id: notice.id },
    });
    return json(200, { notice } satisfies NoticeResponse);
  });
}

const NOT_REVOKED: Record<Exclude<RevokeOutcome['kind'], 'revoked'>, Refusal> = {
  unknown: { status: 404, code: HttpErrorCode.TICKET_UNKNOWN, message: 'the queue does not know this ticket number' },
  already_revoked: { status: 409, code: HttpErrorCode.TICKET_ALREADY_REVOKED, message: 'this ticket was revoked already' },
  used: { status: 409, code: HttpErrorCode.TICKET_USED, message: 'this ticket was already used for a booking' },
  finished: { status: 409, code: HttpErrorCode.TICKET_FINISHED, message: 'this ticket left the queue and its turn has passed' },
};

/**
 * `POST /admin/events/:id/revoke`: the ticket stops waiting (or its unused
 * grant stops booking) for good. Its holder here is closed at once; a holder
 * on another gateway at that gateway's next tick.
 */
export async function revokeTicket(services: AdminServices, call: EventCall): Promise<HttpResponse> {
  const body = parseBody(services, call, 'ticket.revoke', RevokeBody);
  if (!body.ok) return body.response;
  const { ticketNo } = body.value;
  return attempt(services, call, 'ticket.revoke', async () => {
    const { ctx } = services;
    const eventId = call.room.config.id;
    const outcome = await ctx.queue.revoke(eventId, ticketNo, call.now);
    if (outcome.kind !== 'revoked') {
      const refusal = NOT_REVOKED[outcome.kind];
      audit(services, call, 'ticket.revoke', 'refused', { event: eventId, ticketNo, reason: refusal.code });
      return refuse(refusal);
    }
    call.room.revoke(ticketNo);
    const before = outcome.wasAdmitted ? 'admitted' : 'waiting';
    audit(services, call, 'ticket.revoke', 'applied', { event: eventId, ticketNo, before: { status: before }, after: { status: 'revoked' } });
    return json(200, { ticketNo, wasAdmitted: outcome.wasAdmitted } satisfies RevokeResponse);
  });
}
