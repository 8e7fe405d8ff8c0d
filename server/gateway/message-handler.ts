/** What a gateway does with each valid client message. */
import { ErrorCode, CloseCode } from '../../shared/protocol/codes.js';
import type { ClientMessage } from '../../shared/protocol/messages.js';
import type { ReconnectOutcome } from '../store/types.js';
import { joinDecision } from '../events/eligibility.js';
import type { TicketClaims } from '../../shared/tokens/claims.js';
import { deviceJoinChallenge, resumeChallenge } from '../../shared/tokens/possession.js';
import { sendAdmitted } from './admissions.js';
import { placeForDevice } from './devices/device-place.js';
import { checkProofOfWork, type PowVerdict } from './pow/gate.js';
import { provesPossession } from './possession-check.js';
import type { EventRoom, GatewayContext } from './context.js';
import { forget } from './holding.js';
import { sendCurrentNotice } from './notices.js';
import { eventTopic, type HeldTicket, type Session } from './session.js';

type Of<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

export async function handleMessage(ctx: GatewayContext, session: Session, message: ClientMessage): Promise<void> {
  switch (message.type) {
    case 'join':
      return join(ctx, session, message);
    case 'resume':
      return resume(ctx, session, message);
    case 'leave':
      return leave(ctx, session, message);
    case 'ping':
      return session.send({ type: 'pong', rid: message.rid, t: message.t, serverTime: ctx.clock.now() });
  }
}

function claimSession(session: Session, rid: number | undefined): boolean {
  if (session.ticket || session.busy) {
    session.sendError(ErrorCode.ALREADY_JOINED, 'this connection already holds a ticket', rid);
    return false;
  }
  session.busy = true;
  return true;
}

async function join(ctx: GatewayContext, session: Session, message: Of<'join'>): Promise<void> {
  const room = ctx.room(message.eventId);
  if (!room) return session.sendError(ErrorCode.UNKNOWN_EVENT, `no event "${message.eventId}"`, message.rid);
  const eligible = joinDecision(room.config, message.birthDate, ctx.clock.now());
  if (!eligible.ok) return session.sendError(ErrorCode[eligible.code], eligible.message, message.rid, eligible.opensAt);
  if (!claimSession(session, message.rid)) return;
  let pow: PowVerdict;
  try {
    pow = await checkProofOfWork(ctx, room, message.pow);
  } catch {
    session.busy = false;
    return session.sendError(ErrorCode.STORE_UNAVAILABLE, 'the queue is reconnecting; try again shortly', message.rid);
  }
  if (!pow.ok) {
    session.busy = false;
    return session.send({ type: 'error', rid: message.rid, code: pow.code, message: pow.message, retryable: false, challenge: pow.challenge });
  }
  if (message.device) return joinAsDevice(ctx, session, room, message, message.device);
  const ticketNo = await storeStep(session, room, message.rid, () => ctx.batcher.join(room.config.id));
  if (ticketNo !== null) issueNew(ctx, session, room, message, ticketNo, ctx.clock.now());
}

/**
 * The store call of a claimed session's request. On failure, or when the event was withdrawn while the
 * call was in flight, the client is answered here and the result is null.
 */
async function storeStep<T>(session: Session, room: EventRoom, rid: number | undefined, call: () => Promise<T>): Promise<T | null> {
  let result: T;
  try {
    result = await call();
  } catch {
    session.busy = false;
    if (room.closed) withdrawn(session, room, rid);
    else session.sendError(ErrorCode.STORE_UNAVAILABLE, 'the queue is reconnecting; try again shortly', rid);
    return null;
  }
  session.busy = false;
  if (room.closed) {
    withdrawn(session, room, rid);
    return null;
  }
  return result;
}

/** `now`: the ticket's issue time (a device's place records it in the store, and every tab gets the same expiry). */
function issueNew(ctx: GatewayContext, session: Session, room: EventRoom, message: Of<'join'>, ticketNo: number, now: number): void {
  ctx.metrics.joins.inc({ event: room.config.id });
  const { token, claims } = ctx.tokens.issueTicket(room.config, ticketNo, message, now);
  const held: HeldTicket = { eventId: room.config.id, ticketNo, secretHash: message.secretHash };
  if (session.closed) {
    // The holder left before the ticket arrived: it keeps its place for the grace period, like any departure.
    room.departed.push(ticketNo);
    return;
  }
  session.send({ type: 'ticket', rid: message.rid, eventId: claims.e, ticket: token, ticketNo, issuedAt: claims.iat, expiresAt: claims.exp, resumed: false });
  wait(ctx, room, session, held);
}

async function resume(ctx: GatewayContext, session: Session, message: Of<'resume'>): Promise<void> {
  const now = ctx.clock.now();
  const check = ctx.tokens.checkTicket(message.ticket, now, message.eventId);
  if (!check.ok) return session.sendError(check.code, check.message, message.rid);
  const { claims } = check;
  // Checked before the store is asked: a ticket alone (seen in a link or on a screen) can neither take the place over nor learn its state.
  if (!session.nonce || !provesPossession(claims.pk, resumeChallenge(session.nonce, message.ticket), message.proof)) {
    return session.sendError(ErrorCode.TICKET_PROOF_INVALID, "the resume does not prove possession of the ticket's secret", message.rid);
  }
  // Only a proven resume spends the ticket's budget (and gets a bucket: garbage cannot fill the map).
  const take = ctx.takeResume(`${claims.e}:${claims.n}`, now);
  if (!take.ok) {
    return session.sendError(ErrorCode.RECONNECT_RATE_LIMITED, 'this ticket reconnected too often; your place is kept, resume again at retryAt', message.rid, take.retryAt);
  }
  const room = ctx.room(claims.e);
  if (!room) return session.sendError(ErrorCode.UNKNOWN_EVENT, `no event "${claims.e}"`, message.rid);
  if (!claimSession(session, message.rid)) return;
  const outcome = await storeStep(session, room, message.rid, () => ctx.queue.reconnect(claims.e, claims.n, now, ctx.node));
  if (outcome) takeBack(ctx, session, room, message.rid, message.ticket, claims, outcome);
}

/** The holder of an existing ticket (a resume, or a second tab of its device) takes its place back on this connection. */
function takeBack(ctx: GatewayContext, session: Session, room: EventRoom, rid: number | undefined, ticket: string, claims: TicketClaims, outcome: ReconnectOutcome): void {
  const refusal = REFUSALS[outcome.kind];
  if (refusal) return session.sendError(refusal[0], refusal[1], rid);
  if (session.closed) {
    room.departed.push(claims.n);
    return;
  }
  const held: HeldTicket = { eventId: claims.e, ticketNo: claims.n, secretHash: claims.sh };
  const previous = room.holders.get(claims.n);
  if (previous && previous !== session) {
    previous.superseded = true;
    previous.connection.close(CloseCode.SUPERSEDED, 'ticket resumed on another connection');
  }
  session.send({ type: 'ticket', rid, eventId: claims.e, ticket, ticketNo: claims.n, issuedAt: claims.iat, expiresAt: claims.exp, resumed: true });
  wait(ctx, room, session, held);
  if (outcome.kind === 'admitted') sendAdmitted(ctx, room, session, outcome.grantExpiresAt);
}

/**
 * A join carrying a device key: the device's place if it has one (handed over
 * as a resume when the secret and key match and the join proves possession of
 * the key, refused with DEVICE_HAS_PLACE when they do not match), else a new
 * place recorded for the device.
 */
async function joinAsDevice(ctx: GatewayContext, session: Session, room: EventRoom, message: Of<'join'>, deviceHash: string): Promise<void> {
  const place = await storeStep(session, room, message.rid, () => placeForDevice(ctx, room, { deviceHash, secretHash: message.secretHash, pk: message.pk }));
  if (!place) return;
  if (place.kind === 'fresh') return issueNew(ctx, session, room, message, place.ticketNo, place.issuedAt);
  if (place.kind === 'other_secret') {
    return session.sendError(ErrorCode.DEVICE_HAS_PLACE, 'this device already holds a place in this event: resume the ticket stored for it', message.rid);
  }
  // Taking over a place that is already held closes its holder: as for a resume, that takes the key, not what a ticket shows.
  const proven = session.nonce && message.proof && provesPossession(message.pk, deviceJoinChallenge(session.nonce, room.config.id), message.proof);
  if (!proven) return session.sendError(ErrorCode.TICKET_PROOF_INVALID, "the join does not prove possession of the device's place", message.rid);
  // The same ticket as first issued: same number, secret and key, same issue time, so the same expiry.
  const { token, claims } = ctx.tokens.issueTicket(room.config, place.ticketNo, message, place.issuedAt);
  takeBack(ctx, session, room, message.rid, token, claims, place.outcome);
}

/** The event was removed from the live configuration while this request was in flight. */
function withdrawn(session: Session, room: EventRoom, rid: number | undefined): void {
  session.sendError(ErrorCode.EVENT_CLOSED, `event "${room.config.id}" was withdrawn by its operators`, rid);
  session.connection.close(CloseCode.EVENT_WITHDRAWN, 'event withdrawn');
}

const REFUSALS: Partial<Record<ReconnectOutcome['kind'], [ErrorCode, string]>> = {
  grant_expired: [ErrorCode.GRANT_EXPIRED, 'your turn came but the booking window has ended'],
  used: [ErrorCode.TICKET_USED, 'this ticket was already used for a booking'],
  left: [ErrorCode.TICKET_LEFT, 'this ticket left the queue'],
  unknown: [ErrorCode.TICKET_UNKNOWN, 'the queue does not know this ticket'],
  revoked: [ErrorCode.TICKET_REVOKED, 'an operator revoked this ticket; it can no longer wait or book'],
};

/** The session holds `held` and waits in its event's room: it gets the last tick and the operators' current notice at once. */
function wait(ctx: GatewayContext, room: EventRoom, session: Session, held: HeldTicket): void {
  session.ticket = held;
  session.nonce = null; // proven: a waiter keeps the least it needs
  room.holders.set(held.ticketNo, session);
  room.waiters.add(session);
  session.connection.subscribe(eventTopic(held.eventId));
  if (room.lastFrame) session.connection.send(room.lastFrame);
  sendCurrentNotice(room, session);
}

async function leave(ctx: GatewayContext, session: Session, message: Of<'leave'>): Promise<void> {
  const held = session.ticket;
  if (!held) return session.sendError(ErrorCode.NOT_JOINED, 'this connection holds no ticket', message.rid);
  try {
    await ctx.queue.leave(held.eventId, held.ticketNo, ctx.clock.now());
  } catch {
    return session.sendError(ErrorCode.STORE_UNAVAILABLE, 'the queue is reconnecting; try again shortly', message.rid);
  }
  forget(ctx, session);
  session.connection.close(CloseCode.NORMAL, 'left the queue');
}
