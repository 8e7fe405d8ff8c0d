/**
 * The queue in process memory: the `npm start` default. Same state machine
 * and results as the Redis scripts (server/store/redis/scripts/), checked by
 * the shared contract suite.
 */
import { placeOf, ticketAt } from '../../../shared/queue/draw.js';
import type { DrawProposal, DrawProposals } from '../draw-seed.js';
import { bucketsOf, segmentLayout } from '../../../shared/queue/left-segments.js';
import { laneBase, lineOf } from '../../../shared/queue/lanes.js';
import { admissionStatusOf, grantExpiryOf, grantedStatus, Status, stillBooks } from '../ticket-status.js';
import {
  RECENT_REVOCATIONS,
  type AdmissionStatus,
  type AdmitResult,
  type AdmitStep,
  type DeviceJoin,
  type DevicePlace,
  type AdmitStepResult,
  type NodeNumber,
  type NodePresence,
  type PresenceReport,
  type Notice,
  type QueueFigures,
  type QueueStore,
  type ReconnectOutcome,
  type RevokeOutcome,
  type LaneCode,
  type LaneJoin,
  type NewLaneCode,
  MAX_LANE_CODES,
} from '../types.js';
import { admitLines, anyoneWaiting, countLeft, requeuedOf } from './admission-lines.js';
import { markUsed, type MemoryEvents, type MemoryEventState } from './event-state.js';
import { ExpiringMap } from './expiring-map.js';

/** Counts (1) or un-counts (-1) a leaver at its place; before the draw it has none yet and waits in `deferred`. */
function countLeaver(state: MemoryEventState, ticketNo: number, delta: 1 | -1): void {
  if (delta > 0 && !state.draw) {
    state.deferred.add(ticketNo);
    return;
  }
  if (delta < 0 && state.deferred.delete(ticketNo)) return;
  countLeft(state, placeOf(ticketNo, state.draw), delta);
}

/** Leaver counts over (cursor, issued] as the figures carry them. */
function leftCounts(state: MemoryEventState, cursor: number, issued: number): QueueFigures['left'] {
  return segmentLayout(cursor, issued).map(({ level, firstBucket, count }) => ({
    level,
    firstBucket,
    counts: Array.from({ length: count }, (_, k) => state.leftBuckets[level]!.get(firstBucket + k) ?? 0),
  }));
}

/**
 * The first join or controller step commits to the seed (its proposal's); at or after the opening the first
 * one draws with the committed seed: every ticket issued so far is the pre-queue.
 */
function drawIfDue(state: MemoryEventState, now: number, opensAt: number, proposal: DrawProposal): void {
  if (state.draw) return;
  state.commitment ??= { ...proposal, at: now };
  if (now < opensAt) return;
  state.draw = { size: state.issued, seed: state.commitment.seed };
}

function grant(state: MemoryEventState, ticketNo: number, expiresAt: number): void {
  state.status.set(ticketNo, grantedStatus(expiresAt));
  state.active.set(ticketNo, expiresAt);
  state.held.delete(ticketNo);
  state.admittedTotal++;
}

/** A waiting or requeued ticket whose holder is gone since `since`; true when it changed state. The caller forgets its holder. */
function letGo(state: MemoryEventState, ticketNo: number, since: number): boolean {
  const status = state.status.get(ticketNo);
  if (status === Status.WAITING) {
    state.status.set(ticketNo, Status.AWAY);
    state.away.set(ticketNo, since);
    return true;
  }
  if (status === Status.REQUEUED) {
    state.status.set(ticketNo, Status.PASSED);
    state.requeued.delete(ticketNo);
    return true;
  }
  return false;
}

/** Waiting tickets of nodes silent for longer than the timeout turn away as of their last heartbeat. */
function reapDeadNodes(state: MemoryEventState, now: number, nodeTimeoutMs: number): number {
  let reaped = 0;
  for (const [node, beat] of state.heartbeats) {
    if (beat >= now - nodeTimeoutMs) continue;
    for (const [ticketNo, holder] of state.held) {
      if (holder !== node) continue;
      state.held.delete(ticketNo);
      if (letGo(state, ticketNo, beat)) reaped++;
    }
    state.heartbeats.delete(node);
  }
  return reaped;
}

export class MemoryQueueStore implements QueueStore {
  /** Gateways' reports of themselves (not per event). */
  private readonly nodes = new Map<NodeNumber, NodePresence>();

  constructor(
    private readonly events: MemoryEvents,
    private readonly proposals: DrawProposals,
  ) {}

  /** `${eventId} ${deviceHash}` → the device's place and when it is forgotten. */
  private readonly devices = new ExpiringMap<DevicePlace>();
  /** `${eventId} ${challengeId}` of redeemed challenges, until they expire. */
  private readonly redeemed = new ExpiringMap<true>();

  async joinDevice(eventId: string, join: DeviceJoin, now: number, node: NodeNumber, opensAt: number): Promise<DevicePlace> {
    const key = `${eventId} ${join.deviceHash}`;
    const held = this.devices.get(key, now);
    if (held) return { ...held, fresh: false };
    const ticketNo = await this.joinBatch(eventId, 1, now, node, opensAt);
    const place = { ticketNo, secretHash: join.secretHash, issuedAt: now, fresh: true };
    this.devices.set(key, place, join.expiresAt, now);
    return place;
  }

  async releaseDevice(eventId: string, deviceHash: string, ticketNo: number): Promise<void> {
    const key = `${eventId} ${deviceHash}`;
    if (this.devices.peek(key)?.ticketNo === ticketNo) this.devices.delete(key);
  }

  async redeemChallenge(eventId: string, challengeId: string, expiresAt: number, now: number): Promise<boolean> {
    const key = `${eventId} ${challengeId}`;
    if (this.redeemed.get(key, now)) return false;
    this.redeemed.set(key, true, expiresAt, now);
    return true;
  }

  async joinBatch(eventId: string, count: number, now: number, node: NodeNumber, opensAt: number): Promise<number> {
    const state = this.events.get(eventId);
    drawIfDue(state, now, opensAt, this.proposals.for(eventId));
    const first = state.issued + 1;
    for (let n = first; n < first + count; n++) {
      state.status.set(n, Status.WAITING);
      state.held.set(n, node);
    }
    state.issued += count;
    return first;
  }

  async reconnect(eventId: string, ticketNo: number, now: number, node: NodeNumber): Promise<ReconnectOutcome> {
    const state = this.events.get(eventId);
    const status = state.status.get(ticketNo);
    const waitAgain = (): ReconnectOutcome => {
      state.status.set(ticketNo, Status.WAITING);
      state.held.set(ticketNo, node);
      return { kind: 'waiting' };
    };
    switch (status?.[0]) {
      // The memory store never restarts, so an unknown number was never issued.
      case undefined:
        return { kind: 'unknown' };
      case Status.WAITING:
        return waitAgain();
      case Status.AWAY:
        state.away.delete(ticketNo);
        return waitAgain();
      case Status.LEFT:
        countLeaver(state, ticketNo, -1);
        return waitAgain();
      case Status.PASSED:
      case Status.REQUEUED:
        state.status.set(ticketNo, Status.REQUEUED);
        state.requeued.add(ticketNo);
        state.held.set(ticketNo, node);
        return { kind: 'requeued' };
      case Status.GRANTED: {
        const grantExpiresAt = grantExpiryOf(status!);
        return grantExpiresAt > now ? { kind: 'admitted', grantExpiresAt } : { kind: 'grant_expired' };
      }
      case Status.USED:
        return { kind: 'used' };
      case Status.REVOKED:
        return { kind: 'revoked' };
      default:
        return { kind: 'left' };
    }
  }

  async disconnect(eventId: string, ticketNos: readonly number[], now: number, node: NodeNumber): Promise<void> {
    const state = this.events.get(eventId);
    for (const ticketNo of ticketNos) {
      if (state.held.get(ticketNo) !== node) continue;
      state.held.delete(ticketNo);
      letGo(state, ticketNo, now);
    }
  }

  async leave(eventId: string, ticketNo: number): Promise<void> {
    const state = this.events.get(eventId);
    const status = state.status.get(ticketNo);
    state.held.delete(ticketNo);
    switch (status?.[0]) {
      case Status.WAITING:
      case Status.AWAY:
        state.away.delete(ticketNo);
        state.status.set(ticketNo, Status.LEFT);
        countLeaver(state, ticketNo, 1);
        return;
      case Status.PASSED:
      case Status.REQUEUED:
        state.requeued.delete(ticketNo);
        state.status.set(ticketNo, Status.FINISHED);
        return;
      case Status.GRANTED:
        state.active.delete(ticketNo);
        state.status.set(ticketNo, Status.FINISHED);
        return;
    }
  }

  async figures(eventId: string, now: number, node: NodeNumber): Promise<QueueFigures> {
    const state = this.events.get(eventId);
    state.heartbeats.set(node, now);
    return {
      cursor: state.cursor,
      issued: state.issued,
      // As in Redis: expired grants leave the count at the controller's next step.
      active: state.active.size,
      requeued: requeuedOf(state, 0).length,
      paused: state.paused,
      ratePerMinute: state.ratePerMinute,
      admittedTotal: state.admittedTotal,
      draw: state.draw,
      drawCommitment: state.commitment && { hash: state.commitment.commitment, at: state.commitment.at, nonce: state.draw ? state.commitment.nonce : null },
      left: leftCounts(state, state.cursor, state.issued),
      notice: state.notice,
      revoked: { seq: state.revokedSeq, recent: [...state.revokedRecent] },
      lanes: [...state.lanes.values()].map((lane) => ({
        id: lane.id,
        line: lane.line,
        cursor: lane.cursor,
        issued: lane.issued,
        requeued: requeuedOf(state, lane.line).length,
        admittedTotal: lane.admittedTotal,
        left: leftCounts(state, lane.cursor, lane.issued),
      })),
    };
  }

  async mayBook(eventId: string, ticketNo: number): Promise<boolean> {
    return stillBooks(this.events.get(eventId).status.get(ticketNo));
  }

  async releaseBooked(eventId: string, ticketNo: number): Promise<boolean> {
    const state = this.events.get(eventId);
    if (!stillBooks(state.status.get(ticketNo))) return false;
    markUsed(state, ticketNo);
    return true;
  }

  async admissionStatus(eventId: string, ticketNos: readonly number[], now: number): Promise<AdmissionStatus[]> {
    const state = this.events.get(eventId);
    return ticketNos.map((ticketNo) => admissionStatusOf(state.status.get(ticketNo) ?? null, now));
  }

  async admit(eventId: string, limits: AdmitStep): Promise<AdmitResult> {
    const state = this.events.get(eventId);
    const { now } = limits;
    if (state.lease && state.lease.holder !== limits.holder && state.lease.until > now) return { leader: false };
    state.lease = { holder: limits.holder, until: now + limits.leaseMs };
    drawIfDue(state, now, limits.opensAt, this.proposals.for(eventId));
    const reaped = limits.reapDeadNodes ? reapDeadNodes(state, now, limits.nodeTimeoutMs) : 0;
    for (const [ticketNo, awayAt] of state.away) {
      if (awayAt > now - limits.graceMs) break;
      state.away.delete(ticketNo);
      state.status.set(ticketNo, Status.LEFT);
      countLeaver(state, ticketNo, 1);
    }
    if (state.draw) {
      for (const ticketNo of state.deferred) countLeft(state, placeOf(ticketNo, state.draw), 1);
      state.deferred.clear();
    }
    for (const [ticketNo, expiresAt] of state.active) if (expiresAt <= now) state.active.delete(ticketNo);
    state.ratePerMinute = limits.ratePerMinute;

    const halted = state.paused || !limits.admitting;
    const burst = Math.max(1, limits.admitsPerMinute / 60);
    state.tokens = halted ? 0 : Math.min(burst, state.tokens + (Math.max(0, now - state.tokensAt) * limits.admitsPerMinute) / 60_000);
    state.tokensAt = now;
    const budget = Math.max(0, Math.min(Math.floor(state.tokens), limits.maxActive - state.active.size));
    const admitted: AdmitStepResult['admitted'] = [];
    const grantExpiresAt = now + limits.grantTtlMs;
    const walk = {
      state,
      maxSteps: limits.maxSteps,
      skipped: 0,
      grant: (ticketNo: number) => {
        grant(state, ticketNo, grantExpiresAt);
        admitted.push({ ticketNo, grantExpiresAt });
        const lane = lineOf(ticketNo);
        if (lane > 0) [...state.lanes.values()].find((l) => l.line === lane)!.admittedTotal++;
      },
    };
    // While paused the cursors stand still: nobody's turn passes while nobody is admitted.
    if (!halted) admitLines(walk, limits.lanes ?? [], budget);
    const skipped = walk.skipped;
    state.tokens -= admitted.length;
    return {
      leader: true,
      admitted,
      reaped,
      cursor: state.cursor,
      active: state.active.size,
      skipped,
      backlogged: anyoneWaiting(state),
    };
  }

  async joinLane(eventId: string, input: string, lanes: readonly string[], now: number, node: NodeNumber): Promise<LaneJoin> {
    const state = this.events.get(eventId);
    const code = state.laneCodes.get(input);
    if (!code || !lanes.includes(code.laneId)) return { kind: 'unknown' };
    if (code.expiresAt <= now) return { kind: 'expired' };
    if (code.used >= code.uses) return { kind: 'used_up' };
    code.used++;
    let lane = state.lanes.get(code.laneId);
    if (!lane) {
      const line = state.lanes.size + 1;
      lane = { id: code.laneId, line, cursor: laneBase(line), issued: laneBase(line), credit: 0, admittedTotal: 0 };
      state.lanes.set(code.laneId, lane);
    }
    const ticketNo = ++lane.issued;
    state.status.set(ticketNo, Status.WAITING);
    state.held.set(ticketNo, node);
    return { kind: 'joined', ticketNo, laneId: code.laneId };
  }

  async issueCodes(eventId: string, codes: readonly NewLaneCode[], now: number): Promise<boolean> {
    const state = this.events.get(eventId);
    if (state.laneCodes.size + codes.length > MAX_LANE_CODES || codes.some(({ code }) => state.laneCodes.has(code))) return false;
    for (const code of codes) state.laneCodes.set(code.code, { ...code, used: 0, issuedAt: now });
    return true;
  }

  async listCodes(eventId: string): Promise<LaneCode[]> {
    return [...this.events.get(eventId).laneCodes.values()].map((code) => ({ ...code })).reverse();
  }

  async setPaused(eventId: string, paused: boolean): Promise<void> {
    this.events.get(eventId).paused = paused;
  }

  async setNotice(eventId: string, text: string, now: number, en: string | null = null): Promise<Notice> {
    const state = this.events.get(eventId);
    state.notice = { id: (state.notice?.id ?? 0) + 1, text, en: en || null, at: now };
    return state.notice;
  }

  async revoke(eventId: string, ticketNo: number): Promise<RevokeOutcome> {
    const state = this.events.get(eventId);
    const status = state.status.get(ticketNo);
    switch (status?.[0]) {
      case undefined:
        return { kind: 'unknown' };
      case Status.REVOKED:
        return { kind: 'already_revoked' };
      case Status.USED:
        return { kind: 'used' };
      case Status.FINISHED:
        return { kind: 'finished' };
      // Still ahead of the cursor: counted as a leaver (a left one already is) until the cursor passes it.
      case Status.WAITING:
      case Status.AWAY:
        state.away.delete(ticketNo);
        countLeaver(state, ticketNo, 1);
        break;
      case Status.REQUEUED:
        state.requeued.delete(ticketNo);
        break;
    }
    const wasAdmitted = status![0] === Status.GRANTED;
    state.active.delete(ticketNo);
    state.held.delete(ticketNo);
    state.status.set(ticketNo, Status.REVOKED);
    state.revokedSeq++;
    state.revokedRecent.push(ticketNo);
    if (state.revokedRecent.length > RECENT_REVOCATIONS) state.revokedRecent.shift();
    return { kind: 'revoked', wasAdmitted };
  }

  async recordPresence(node: NodeNumber, presence: PresenceReport, now: number): Promise<void> {
    this.nodes.set(node, { node, ...presence, lastSeenAt: now });
  }

  async presence(): Promise<NodePresence[]> {
    return [...this.nodes.values()];
  }

  async forgetPresence(nodes: readonly NodeNumber[]): Promise<void> {
    for (const node of nodes) this.nodes.delete(node);
  }

  async releaseLease(eventId: string, holder: string): Promise<void> {
    const state = this.events.get(eventId);
    if (state.lease?.holder === holder) state.lease = null;
  }
}
