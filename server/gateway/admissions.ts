/** Handing admitted clients their grants; the controller decided, the gateway delivers. */
import { ErrorCode } from '../../shared/protocol/codes.js';
import type { AdmissionStatus } from '../store/types.js';
import type { EventRoom, GatewayContext } from './context.js';
import { closeRevokedSession } from './revocations.js';
import { eventTopic, type Session } from './session.js';

export function sendAdmitted(ctx: GatewayContext, room: EventRoom, session: Session, grantExpiresAt: number): void {
  const ticket = session.ticket!;
  session.admitted = true;
  room.waiters.remove(session);
  session.connection.unsubscribe(eventTopic(room.config.id));
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

/** Acts on the store's word about waiters whose turn may have come. */
export async function settleDue(ctx: GatewayContext, room: EventRoom, due: Session[], now: number): Promise<void> {
  const eventId = room.config.id;
  const statuses = await ctx.queue.admissionStatus(eventId, due.map((s) => s.ticket!.ticketNo), now);
  const passed: Session[] = [];
  due.forEach((session, k) => {
    const status = statuses[k] as AdmissionStatus;
    if (session.closed) return;
    if (status.kind === 'admitted') sendAdmitted(ctx, room, session, status.grantExpiresAt);
    else if (status.kind === 'passed') passed.push(session);
    else if (status.kind === 'revoked') closeRevokedSession(ctx, session);
    else if (status.kind === 'finished') {
      room.waiters.remove(session);
      session.connection.unsubscribe(eventTopic(eventId));
      session.sendError(ErrorCode.GRANT_EXPIRED, 'your turn came but the booking window has ended');
    }
  });
  // Connected yet passed: a stale disconnect overtook this connection's resume; ask again to be requeued.
  for (const session of passed) await ctx.queue.reconnect(eventId, session.ticket!.ticketNo, now, ctx.node);
}
