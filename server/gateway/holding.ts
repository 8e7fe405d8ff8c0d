/**
 * Letting go of a held ticket, shared by the request path (leave) and the
 * tick path (revocations) without either importing the other (issue 14: the
 * admissions → revocations → message-handler → admissions cycle). The room
 * that owns all of this state is issue 14 §1's next step.
 */
import type { GatewayContext } from './context.js';
import type { HeldTicket, Session } from './session.js';

/** The session no longer holds its ticket on this node. */
export function forget(ctx: GatewayContext, session: Session): HeldTicket | null {
  const held = session.ticket;
  if (!held) return null;
  session.ticket = null;
  const room = ctx.room(held.eventId);
  if (room?.holders.get(held.ticketNo) === session) room.holders.delete(held.ticketNo);
  room?.waiters.remove(session);
  return held;
}
