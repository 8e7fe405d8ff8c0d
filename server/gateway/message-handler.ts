/** What a gateway does with each valid client message. */
import { ErrorCode, CloseCode } from '../../shared/protocol/codes.js';
import type { ClientMessage } from '../../shared/protocol/messages.js';
import type { LaneJoin, ReconnectOutcome } from '../store/types.js';
import { normaliseLaneCode } from '../../shared/queue/lane-code.js';
import { joinDecision } from '../events/eligibility.js';
import type { TicketClaims } from '../../shared/tokens/claims.js';
import { deviceJoinChallenge, resumeChallenge } from '../../shared/tokens/possession.js';
import { sendAdmitted } from './admissions.js';
import { placeForDevice } from './devices/device-place.js';
import { checkProofOfWork, type PowVerdict } from './pow/gate.js';
import { provesPossession } from './possession-check.js';
import { keepRecoveryCode, redeemRecoveryCode } from './recovery/recovery-requests.js';
import type { RequestContext } from './context.js';
import { closeWithdrawn, type EventRoom } from './event-room.js';
import { Refusals, type Refusal } from './refusals.js';
import type { HeldTicket, Session } from './session.js';
import { saveTurnContact } from './turn-notices/contact-request.js';

type Of<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

export async function handleMessage(ctx: RequestContext, session: Session, message: ClientMessage): Promise<void> {
  switch (message.type) {
    case 'join':
      return join(ctx, session, message);
    case 'resume':
      return resume(ctx, session, message);
    case 'leave':
      return leave(ctx, session, message);
    case 'ping':
      return session.send({ type: 'pong', rid: message.rid, t: message.t, serverTime: ctx.clock.now() });
    case 'recovery':
      return keepRecoveryCode(ctx, session, message);
    case 'recover':
      return redeemRecoveryCode(ctx, session, message);
    case 'turn-contact':
      return saveTurnContact(ctx, session, message);
  }
}

/** A join, timed from its frame to its answer (waitroom_join_duration_seconds): a ticket, or a refusal. */
async function join(ctx: RequestContext, session: Session, message: Of<'join'>): Promise<void> {
  const stopTimer = ctx.metrics.joinSeconds.startTimer();
  const heldBefore = session.ticket;
  try {
    await joinOrRefuse(ctx, session, message);
  } finally {
    const ticketed = session.ticket !== null && session.ticket !== heldBefore;
    // The event label only names configured events: a client's made-up id must not add series.
    stopTimer({ event: ctx.room(message.eventId) ? message.eventId : '', outcome: ticketed ? 'ticket' : 'refused' });
  }
}

async function joinOrRefuse(ctx: RequestContext, session: Session, message: Of<'join'>): Promise<void> {
  const room = ctx.room(message.eventId);
  if (!room) return session.sendError(ErrorCode.UNKNOWN_EVENT, `no event "${message.eventId}"`, message.rid);
  const eligible = joinDecision(room.config, message.birthDate, ctx.clock.now());
  if (!eligible.ok) return session.sendError(ErrorCode[eligible.code], eligible.message, message.rid, eligible.opensAt);
  if (!session.claim(message.rid)) return;
  let pow: PowVerdict;
  try {
    pow = await checkProofOfWork(ctx, room, message.pow);
  } catch {
    session.unclaim();
    return session.refuse(Refusals.storeUnavailable, message.rid);
  }
  if (!pow.ok) {
    session.unclaim();
    return session.send({ type: 'error', rid: message.rid, code: pow.code, message: pow.message, retryable: false, challenge: pow.challenge });
  }
  if (message.code !== undefined) return joinWithCode(ctx, session, room, message, message.code);
  if (message.device) return joinAsDevice(ctx, session, room, message, message.device);
  const ticketNo = await storeStep(session, room, message.rid, () => ctx.joins.join(room.config.id));
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
    session.unclaim();
    if (room.closed) closeWithdrawn(session, rid);
    else session.refuse(Refusals.storeUnavailable, rid);
    return null;
  }
  session.unclaim();
  if (room.closed) {
    closeWithdrawn(session, rid);
    return null;
  }
  return result;
}

/** `now`: the ticket's issue time (a device's place records it in the store, and every tab gets the same expiry). */
function issueNew(ctx: RequestContext, session: Session, room: EventRoom, message: Of<'join'>, ticketNo: number, now: number): void {
  ctx.metrics.joins.inc({ event: room.config.id });
  const { token, claims } = ctx.tokens.issueTicket(room.config, ticketNo, message, now);
  const held: HeldTicket = { eventId: room.config.id, ticketNo, secretHash: message.secretHash };
  // A holder that left before its ticket arrived is sent nothing; the room records the ticket as departed.
  session.send({ type: 'ticket', rid: message.rid, eventId: claims.e, ticket: token, ticketNo, issuedAt: claims.iat, expiresAt: claims.exp, resumed: false });
  room.hold(session, held);
}

async function resume(ctx: RequestContext, session: Session, message: Of<'resume'>): Promise<void> {
  const now = ctx.clock.now();
  const check = ctx.tokens.checkTicket(message.ticket, now, message.eventId);
  if (!check.ok) return session.sendError(check.code, check.message, message.rid);
  const { claims } = check;
  // Checked before the store is asked: a ticket alone (seen in a link or on a screen) can neither take the place over nor learn its state.
  if (!session.nonce || !provesPossession(claims.pk, resumeChallenge(session.nonce, message.ticket), message.proof)) {
    return session.refuse(Refusals.resumeUnproven, message.rid);
  }
  // Only a proven resume spends the ticket's budget (and gets a bucket: garbage cannot fill the map).
  const take = ctx.takeResume(`${claims.e}:${claims.n}`, now);
  if (!take.ok) {
    return session.refuse(Refusals.resumesExhausted, message.rid, take.retryAt);
  }
  const room = ctx.room(claims.e);
  if (!room) return session.sendError(ErrorCode.UNKNOWN_EVENT, `no event "${claims.e}"`, message.rid);
  if (!session.claim(message.rid)) return;
  const outcome = await storeStep(session, room, message.rid, () => ctx.queue.reconnect(claims.e, claims.n, now, ctx.node));
  if (outcome) takeBack(ctx, session, room, message.rid, message.ticket, claims, outcome);
}

/** The holder of an existing ticket (a resume, or a second tab of its device) takes its place back on this connection. */
function takeBack(
  ctx: RequestContext,
  session: Session,
  room: EventRoom,
  rid: number | undefined,
  ticket: string,
  claims: TicketClaims,
  outcome: ReconnectOutcome,
): void {
  const refusal = REFUSALS[outcome.kind];
  if (refusal) return session.refuse(refusal, rid);
  const held: HeldTicket = { eventId: claims.e, ticketNo: claims.n, secretHash: claims.sh };
  // An earlier holder on this node is closed as superseded by the room; one that left meanwhile is sent nothing.
  session.send({ type: 'ticket', rid, eventId: claims.e, ticket, ticketNo: claims.n, issuedAt: claims.iat, expiresAt: claims.exp, resumed: true });
  room.hold(session, held);
  ctx.metrics.resumes.inc({ event: claims.e });
  if (outcome.kind === 'admitted' && session.state.kind === 'waiting') sendAdmitted(ctx, room, session, outcome.grantExpiresAt);
}

/**
 * A join carrying a device key: the device's place if it has one (handed over
 * as a resume when the secret and key match and the join proves possession of
 * the key, refused with DEVICE_HAS_PLACE when they do not match), else a new
 * place recorded for the device.
 */
async function joinAsDevice(ctx: RequestContext, session: Session, room: EventRoom, message: Of<'join'>, deviceHash: string): Promise<void> {
  const place = await storeStep(session, room, message.rid, () => placeForDevice(ctx, room, { deviceHash, secretHash: message.secretHash, pk: message.pk }));
  if (!place) return;
  if (place.kind === 'fresh') return issueNew(ctx, session, room, message, place.ticketNo, place.issuedAt);
  if (place.kind === 'other_secret') {
    return session.refuse(Refusals.deviceHasPlace, message.rid);
  }
  // Taking over a place that is already held closes its holder: as for a resume, that takes the key, not what a ticket shows.
  const proven = session.nonce && message.proof && provesPossession(message.pk, deviceJoinChallenge(session.nonce, room.config.id), message.proof);
  if (!proven) return session.refuse(Refusals.deviceJoinUnproven, message.rid);
  // The same ticket as first issued: same number, secret and key, same issue time, so the same expiry.
  const { token, claims } = ctx.tokens.issueTicket(room.config, place.ticketNo, message, place.issuedAt);
  takeBack(ctx, session, room, message.rid, token, claims, place.outcome);
}

/** The store's refusals of a lane code. */
const LANE_REFUSALS: Record<Exclude<LaneJoin['kind'], 'joined'>, Refusal> = {
  unknown: Refusals.laneCodeUnknown,
  expired: Refusals.laneCodeExpired,
  used_up: Refusals.laneCodeUsedUp,
};

/**
 * A join with a priority-lane code (docs/decisions/031): the store checks and uses the code and issues the
 * lane's next ticket in one step. A code that cannot be used is refused; joining without it joins the main line.
 */
async function joinWithCode(ctx: RequestContext, session: Session, room: EventRoom, message: Of<'join'>, input: string): Promise<void> {
  const code = normaliseLaneCode(input);
  if (!code) {
    session.unclaim();
    return session.refuse(Refusals.laneCodeUnknown, message.rid);
  }
  const now = ctx.clock.now();
  const lanes = room.config.lanes.map(({ id }) => id);
  const joined = await storeStep(session, room, message.rid, () => ctx.queue.joinLane(room.config.id, code, lanes, now, ctx.node));
  if (!joined) return;
  if (joined.kind !== 'joined') return session.refuse(LANE_REFUSALS[joined.kind], message.rid);
  ctx.metrics.laneJoins.inc({ event: room.config.id, lane: joined.laneId });
  issueNew(ctx, session, room, message, joined.ticketNo, now);
}

/** The store's answers to a resume that refuse it. */
const REFUSALS: Partial<Record<ReconnectOutcome['kind'], Refusal>> = {
  grant_expired: Refusals.grantExpired,
  used: Refusals.used,
  left: Refusals.left,
  unknown: Refusals.unknown,
  revoked: Refusals.revoked,
};

async function leave(ctx: RequestContext, session: Session, message: Of<'leave'>): Promise<void> {
  const held = session.state.kind === 'closed' ? null : session.ticket;
  if (!held) return session.refuse(Refusals.notJoined, message.rid);
  try {
    await ctx.queue.leave(held.eventId, held.ticketNo, ctx.clock.now());
  } catch {
    return session.refuse(Refusals.storeUnavailable, message.rid);
  }
  ctx.room(held.eventId)?.release(session);
  session.close(CloseCode.NORMAL);
}
