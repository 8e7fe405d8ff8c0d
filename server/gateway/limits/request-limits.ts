/**
 * Refusals before a join reaches the queue: joins per client address (keyless
 * ones on their own smaller budget too; docs/protocol.md §8), and recovery codes
 * tried per address before the store is asked (decision 030). A refused request
 * creates and changes nothing: no place, no store call. Resumes per ticket are
 * counted once the resume has proven possession (message-handler.ts): a ticket
 * alone must not be able to spend its holder's budget.
 */
import { ErrorCode } from '../../../shared/protocol/codes.js';
import type { ClientMessage } from '../../../shared/protocol/messages.js';
import type { Session } from '../session.js';
import type { ClientLimits } from './client-limits.js';

/** Whether `message` was refused here (the session was told why). */
export function refusedOverLimit(limits: ClientLimits, session: Session, message: ClientMessage, now: number): boolean {
  if (message.type === 'recover') {
    const take = limits.takeRecovery(session.connection.remoteAddress, now);
    if (take.ok) return false;
    session.sendError(
      ErrorCode.RECOVERY_RATE_LIMITED,
      'too many recovery codes tried from your network address; try again at retryAt',
      message.rid,
      take.retryAt,
    );
    return true;
  }
  if (message.type !== 'join') return false;
  const take = limits.takeJoin(session.connection.remoteAddress, message.device !== undefined, now);
  if (take.ok) return false;
  const why = take.keyless
    ? 'too many joins without a device key from your network address (send the device key, docs/protocol.md §3.1.1)'
    : 'too many joins from your network address';
  session.sendError(ErrorCode.RATE_LIMITED, `${why}; join again at retryAt`, message.rid, take.retryAt);
  return true;
}
