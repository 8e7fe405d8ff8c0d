/**
 * A `turn-contact` message: the connection's ticket (waiting or admitted on
 * this connection, so its possession was proven) gets the contact for its turn
 * notices, or forgets it. A kind of notice this gateway does not send, or an
 * endpoint outside the configured push services, is refused with its code:
 * the gateway never POSTs to an address a page made up.
 */
import { ErrorCode } from '../../../shared/protocol/codes.js';
import type { TurnContactMessage } from '../../../shared/protocol/messages.js';
import type { z } from 'zod';
import type { RequestContext } from '../context.js';
import { Refusals } from '../refusals.js';
import type { Session } from '../session.js';
import { atPushService } from './contact.js';

export async function saveTurnContact(ctx: RequestContext, session: Session, message: z.infer<typeof TurnContactMessage>): Promise<void> {
  const held = session.state.kind === 'waiting' || session.state.kind === 'admitted' ? session.ticket : null;
  const room = held ? ctx.room(held.eventId) : undefined;
  if (!held || !room) return session.refuse(Refusals.notJoined, message.rid);
  const notices = ctx.turnNotices;
  if ((message.push && !notices.vapidPublicKey) || (message.phone && !notices.phoneEnabled)) {
    return session.sendError(
      ErrorCode.TURN_NOTICES_OFF,
      `this gateway sends no ${message.push && !notices.vapidPublicKey ? 'push' : 'text message'} notices`,
      message.rid,
    );
  }
  if (message.push && !atPushService(message.push.endpoint, ctx.config.gateway.turnNotices.pushServices)) {
    return session.sendError(ErrorCode.PUSH_SERVICE_REFUSED, 'the subscription is not at a push service this gateway sends to', message.rid);
  }
  const { push, phone, lang } = message;
  const contact = push || phone ? { ...(push ? { push } : {}), ...(phone ? { phone } : {}), lang } : null;
  try {
    await notices.save(room, held.ticketNo, contact, ctx.clock.now());
  } catch {
    return session.refuse(Refusals.storeUnavailable, message.rid);
  }
  session.send({ type: 'turn-contact-saved', rid: message.rid, push: push !== undefined, phone: phone !== undefined });
}
