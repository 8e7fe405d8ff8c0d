/**
 * Refusals before a join or resume reaches the queue: joins per client address
 * (keyless ones on their own smaller budget too) and resumes per ticket (docs/protocol.md §8). A refused request creates and
 * changes nothing: no place, no supersede, no store call.
 */
import { ErrorCode } from '../../../shared/protocol/codes.js';
import type { ClientMessage } from '../../../shared/protocol/messages.js';
import type { Session } from '../session.js';
import type { TokenAuthority } from '../token-authority.js';
import type { ClientLimits } from './client-limits.js';

/** Whether `message` was refused here (the session was told why). */
export function refusedOverLimit(limits: ClientLimits, tokens: TokenAuthority, session: Session, message: ClientMessage, now: number): boolean {
  if (message.type === 'join') {
    const take = limits.takeJoin(session.connection.remoteAddress, message.device !== undefined, now);
    if (take.ok) return false;
    const why = take.keyless ? 'too many joins without a device key from your network address (send the device key, docs/protocol.md §3.1.1)' : 'too many joins from your network address';
    session.sendError(ErrorCode.RATE_LIMITED, `${why}; join again at retryAt`, message.rid, take.retryAt);
    return true;
  }
  if (message.type === 'resume') {
    // Only a ticket whose token verifies gets a bucket: garbage tokens cannot fill the map (the handler refuses them).
    const check = tokens.checkTicket(message.ticket, now, message.eventId);
    if (!check.ok) return false;
    const take = limits.takeResume(`${check.claims.e}:${check.claims.n}`, now);
    if (take.ok) return false;
    session.sendError(ErrorCode.RECONNECT_RATE_LIMITED, 'this ticket reconnected too often; your place is kept, resume again at retryAt', message.rid, take.retryAt);
    return true;
  }
  return false;
}
