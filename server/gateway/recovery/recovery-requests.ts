/**
 * The two recovery requests (docs/decisions/030-recovery-code.md). `recovery`: a connection holding a ticket
 * keeps a code for it (only the code's id and the sealed secret reach the gateway). `recover`: anyone with the
 * code's id gets the ticket and the sealed secret back, once; the client opens the box and resumes, proving
 * possession as any resume does (decision 013). Guessing is bounded per address before this (limits/) and per
 * event in the store.
 */
import type { ClientMessage } from '../../../shared/protocol/messages.js';
import { ErrorCode } from '../../../shared/protocol/codes.js';
import type { RecoveryRedeemOutcome } from '../../store/types.js';
import type { RequestContext } from '../context.js';
import { Refusals } from '../refusals.js';
import type { Session } from '../session.js';

type Of<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

export async function keepRecoveryCode(ctx: RequestContext, session: Session, message: Of<'recovery'>): Promise<void> {
  const state = session.state;
  if (state.kind !== 'waiting' && state.kind !== 'admitted') return session.refuse(Refusals.notJoined, message.rid);
  const now = ctx.clock.now();
  const check = ctx.tokens.checkTicket(message.ticket, now, state.ticket.eventId);
  if (!check.ok) return session.sendError(check.code, check.message, message.rid);
  const { claims } = check;
  if (claims.n !== state.ticket.ticketNo) return session.sendError(ErrorCode.TICKET_INVALID, 'not the ticket this connection holds', message.rid);
  const take = ctx.takeRecoveryShown(`${claims.e}:${claims.n}`, now);
  if (!take.ok) return session.refuse(Refusals.recoveryShowsExhausted, message.rid, take.retryAt);
  let kept: 'stored' | 'used';
  try {
    kept = await ctx.recovery.set(claims.e, message.id, { ticketNo: claims.n, ticket: message.ticket, box: message.box, expiresAt: claims.exp }, now);
  } catch {
    return session.refuse(Refusals.storeUnavailable, message.rid);
  }
  ctx.metrics.recoveries.inc({ event: claims.e, outcome: kept === 'stored' ? 'kept' : 'used' });
  if (kept === 'used') return session.refuse(Refusals.recoveryCodeUsed, message.rid);
  session.send({ type: 'recovery-kept', rid: message.rid, expiresAt: claims.exp });
}

export async function redeemRecoveryCode(ctx: RequestContext, session: Session, message: Of<'recover'>): Promise<void> {
  if (!ctx.room(message.eventId)) return session.sendError(ErrorCode.UNKNOWN_EVENT, `no event "${message.eventId}"`, message.rid);
  let outcome: RecoveryRedeemOutcome;
  try {
    outcome = await ctx.recovery.redeem(message.eventId, message.id, ctx.clock.now(), ctx.config.gateway.recoveryMissesPerEventPerMinute);
  } catch {
    return session.refuse(Refusals.storeUnavailable, message.rid);
  }
  ctx.metrics.recoveries.inc({ event: message.eventId, outcome: outcome.kind === 'found' ? 'restored' : outcome.kind });
  switch (outcome.kind) {
    case 'found': {
      const check = ctx.tokens.checkTicket(outcome.ticket, ctx.clock.now(), message.eventId);
      if (!check.ok) return session.sendError(check.code, check.message, message.rid);
      const { n: ticketNo } = check.claims;
      return session.send({ type: 'recovered', rid: message.rid, eventId: message.eventId, ticket: outcome.ticket, ticketNo, box: outcome.box });
    }
    case 'unknown':
      return session.refuse(Refusals.recoveryCodeUnknown, message.rid);
    case 'limited':
      return session.refuse(Refusals.recoveriesExhausted, message.rid, outcome.retryAt);
  }
}
