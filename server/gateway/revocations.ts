/**
 * Closing the connections of revoked tickets. Any gateway may revoke a ticket
 * that another one holds: the store keeps a count of revocations and the
 * latest ticket numbers, read with the figures each tick, and every node
 * closes its own holders of those revoked since its last tick. Should more
 * than the store keeps be revoked within one tick, the rest are still refused
 * everything (resume, admission, booking) and closed when their turn comes.
 */
import { CloseCode, ErrorCode } from '../../shared/protocol/codes.js';
import type { QueueFigures } from '../store/types.js';
import type { EventRoom, GatewayContext } from './context.js';
import { forget } from './holding.js';
import type { Session } from './session.js';

/** Closes this node's holders of the tickets revoked since the last tick. */
export function closeRevoked(ctx: GatewayContext, room: EventRoom, revoked: QueueFigures['revoked']): void {
  const seen = room.revokedSeq;
  room.revokedSeq = revoked.seq;
  // On the first tick every listed one is checked; a smaller count means the store started over.
  if (seen !== null && revoked.seq <= seen) return;
  const fresh = seen === null ? revoked.recent : revoked.recent.slice(-(revoked.seq - seen));
  for (const ticketNo of fresh) {
    const session = room.holders.get(ticketNo);
    if (session) closeRevokedSession(ctx, session);
  }
}

/** The session's ticket was revoked: it is told, stops holding it, and is closed with a terminal code. */
export function closeRevokedSession(ctx: GatewayContext, session: Session): void {
  forget(ctx, session);
  session.sendError(ErrorCode.TICKET_REVOKED, 'an operator revoked this ticket; it can no longer wait or book');
  ctx.metrics.errors.inc({ code: 'CLOSE_TICKET_REVOKED' });
  session.connection.close(CloseCode.TICKET_REVOKED, 'ticket revoked');
}
