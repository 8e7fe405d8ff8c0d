/**
 * Script replies and raw readings turned into the typed store outcomes: the
 * one place that knows the return codes listed in each script's header.
 * A reply of the wrong shape is a bug (or a foreign script under our SHA), so
 * it throws rather than guessing.
 */
import type { z } from 'zod';
import { Booking } from '../../../shared/booking/api.js';
import { grantExpiryOf, Status } from '../ticket-status.js';
import { decodeStored } from './stored-value.js';
import type { AdmitResult, BookingRecord, BookingRequest, CommitOutcome, DevicePlace, LaneJoin, ReconnectOutcome, RevokeOutcome } from '../types.js';

function replyArray(reply: unknown, script: string, minLength = 1): unknown[] {
  if (!Array.isArray(reply) || reply.length < minLength) throw new Error(`Unexpected reply from ${script}.lua: ${JSON.stringify(reply)}`);
  return reply;
}

function replyNumber(value: unknown, script: string): number {
  const number = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
  if (!Number.isFinite(number)) throw new Error(`Unexpected value in the reply from ${script}.lua: ${JSON.stringify(value)}`);
  return number;
}

/** The kind a script's leading status code stands for: kinds[code]. */
function kindOf<K extends string>(kinds: readonly K[], code: unknown, script: string): K {
  const kind = typeof code === 'number' ? kinds[code] : undefined;
  if (kind === undefined) throw new Error(`Unknown code from ${script}.lua: ${JSON.stringify(code)}`);
  return kind;
}

/** reconnect.lua's codes, in order. */
const RECONNECT_KINDS = ['unknown', 'waiting', 'requeued', 'admitted', 'grant_expired', 'used', 'left', 'revoked'] as const;

/** reconnect.lua: {code}, or {3, grantExpiresAt} when admitted. */
export function reconnectOutcome(reply: unknown): ReconnectOutcome {
  const [code, expiry] = replyArray(reply, 'reconnect');
  const kind = kindOf(RECONNECT_KINDS, code, 'reconnect');
  return kind === 'admitted' ? { kind, grantExpiresAt: replyNumber(expiry, 'reconnect') } : { kind };
}

/** admit.lua: {0} (not the leader), or {1, cursor, active, skipped, backlogged, reaped, grantExpiresAt, ticketNo...}. */
export function admitResult(reply: unknown): AdmitResult {
  const [leader, cursor, active, skipped, backlogged, reaped, expiry, ...tickets] = replyArray(reply, 'admit').map((value) => replyNumber(value, 'admit'));
  if (leader === 0) return { leader: false };
  if (expiry === undefined) throw new Error(`Unexpected reply from admit.lua: ${JSON.stringify(reply)}`);
  return {
    leader: true,
    admitted: tickets.map((ticketNo) => ({ ticketNo, grantExpiresAt: expiry })),
    cursor: cursor!,
    active: active!,
    skipped: skipped!,
    backlogged: backlogged === 1,
    reaped: reaped!,
  };
}

/** commit-booking.lua's codes, in order. */
const COMMIT_KINDS = ['booked', 'repeated', 'grant_used', 'grant_revoked', 'already_booked', 'slot_full'] as const;

/** commit-booking.lua: {code}, or {1, stored record JSON} when repeated. */
export function commitOutcome(reply: unknown, request: BookingRequest): CommitOutcome {
  const [code, stored] = replyArray(reply, 'commit-booking');
  const kind = kindOf(COMMIT_KINDS, code, 'commit-booking');
  if (kind === 'booked') return { kind, booking: request.record };
  if (kind !== 'repeated') return { kind };
  if (typeof stored !== 'string') throw new Error(`commit-booking.lua found a used grant without its booking: ${request.grantId}`);
  // Written by RedisBookingStore.commit from a BookingRecord.
  return { kind, booking: decodeStored(Booking satisfies z.ZodType<BookingRecord>, stored, `the booking of grant ${request.grantId}`) };
}

/** revoke.lua's codes, in order. */
const REVOKE_KINDS = ['unknown', 'revoked', 'already_revoked', 'used', 'finished'] as const;

/** revoke.lua: {code}, or {1, wasAdmitted} when revoked. */
export function revokeOutcome(reply: unknown): RevokeOutcome {
  const [code, wasAdmitted] = replyArray(reply, 'revoke');
  const kind = kindOf(REVOKE_KINDS, code, 'revoke');
  return kind === 'revoked' ? { kind, wasAdmitted: replyNumber(wasAdmitted, 'revoke') === 1 } : { kind };
}

/** device-join.lua's reply: { fresh (1) or held (0), "ticketNo secretHash issuedAt" }. */
export function devicePlace(reply: unknown): DevicePlace {
  const [fresh, place] = replyArray(reply, 'device-join', 2);
  const [ticketNo, secretHash, issuedAt] = typeof place === 'string' ? place.split(' ') : [];
  if (secretHash === undefined) throw new Error(`Unexpected place from device-join.lua: ${JSON.stringify(place)}`);
  return { ticketNo: replyNumber(ticketNo, 'device-join'), secretHash, issuedAt: replyNumber(issuedAt, 'device-join'), fresh: fresh === 1 };
}

/** lane-join.lua's codes, in order. */
const LANE_JOIN_KINDS = ['unknown', 'joined', 'expired', 'used_up'] as const;

/** lane-join.lua: {1, ticketNo, laneId} or {code}. */
export function laneJoinOutcome(reply: unknown): LaneJoin {
  const [code, ticketNo, laneId] = replyArray(reply, 'lane-join');
  const kind = kindOf(LANE_JOIN_KINDS, code, 'lane-join');
  if (kind !== 'joined') return { kind };
  if (typeof laneId !== 'string') throw new Error(`Unexpected lane id from lane-join.lua: ${JSON.stringify(laneId)}`);
  return { kind, ticketNo: replyNumber(ticketNo, 'lane-join'), laneId };
}
