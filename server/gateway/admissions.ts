/** Handing admitted clients their grants; the controller decided, the gateway delivers. */
import type { AdmissionStatus } from '../store/types.js';
import type { AdmissionContext } from './context.js';
import type { EventRoom } from './event-room.js';
import { Refusals } from './refusals.js';
import type { Session } from './session.js';

export function sendAdmitted(ctx: AdmissionContext, room: EventRoom, session: Session, grantExpiresAt: number): void {
  const ticket = room.admit(session);
  session.send({
    type: 'admitted',
    eventId: ticket.eventId,
    ticketNo: ticket.ticketNo,
    grant: ctx.tokens.mintGrant(room.config, ticket.ticketNo, ticket.secretHash, grantExpiresAt),
    expiresAt: grantExpiresAt,
    bookingUrl: ctx.bookingUrl(room.config.id),
  });
  ctx.metrics.grantsIssued.inc({ event: room.config.id });
}

/** Acts on the store's word about waiters whose turn may have come (those no longer waiting meanwhile are skipped). */
export async function settleDue(ctx: AdmissionContext, room: EventRoom, due: Session[], now: number): Promise<void> {
  const eventId = room.config.id;
  const statuses = await ctx.queue.admissionStatus(
    eventId,
    due.map((s) => s.ticket!.ticketNo),
    now,
  );
  const passed: Session[] = [];
  due.forEach((session, k) => {
    const status = statuses[k] as AdmissionStatus;
    if (session.state.kind !== 'waiting') return;
    if (status.kind === 'admitted') sendAdmitted(ctx, room, session, status.grantExpiresAt);
    else if (status.kind === 'passed') passed.push(session);
    else if (status.kind === 'revoked') room.revokeSession(session);
    else if (status.kind === 'finished') {
      room.finish(session);
      session.refuse(Refusals.grantExpired);
    }
  });
  // Connected yet passed: a stale disconnect overtook this connection's resume; ask again to be requeued.
  for (const session of passed) await ctx.queue.reconnect(eventId, session.ticket!.ticketNo, now, ctx.node);
}
