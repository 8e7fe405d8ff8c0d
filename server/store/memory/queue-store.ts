/**
 * The queue in process memory: the `npm start` default. Same state machine
 * and results as the Redis scripts (server/store/redis/scripts/), checked by
 * the shared contract suite.
 */
import { bucketsOf, segmentLayout } from '../../../shared/queue/left-segments.js';
import { admissionStatusOf, grantExpiryOf, grantedStatus, Status } from '../ticket-status.js';
import type { AdmissionStatus, AdmitLimits, AdmitResult, QueueFigures, QueueStore, ReconnectOutcome } from '../types.js';
import type { MemoryEvents, MemoryEventState } from './event-state.js';

function countLeft(state: MemoryEventState, ticketNo: number, delta: 1 | -1): void {
  bucketsOf(ticketNo).forEach((bucket, level) => {
    const counts = state.leftBuckets[level]!;
    const next = (counts.get(bucket) ?? 0) + delta;
    if (next === 0) counts.delete(bucket);
    else counts.set(bucket, next);
  });
}

function grant(state: MemoryEventState, ticketNo: number, expiresAt: number): void {
  state.status.set(ticketNo, grantedStatus(expiresAt));
  state.active.set(ticketNo, expiresAt);
  state.admittedTotal++;
}

export class MemoryQueueStore implements QueueStore {
  constructor(private readonly events: MemoryEvents) {}

  async joinBatch(eventId: string, count: number): Promise<number> {
    const state = this.events.get(eventId);
    const first = state.issued + 1;
    for (let n = first; n < first + count; n++) state.status.set(n, Status.WAITING);
    state.issued += count;
    return first;
  }

  async reconnect(eventId: string, ticketNo: number, now: number): Promise<ReconnectOutcome> {
    const state = this.events.get(eventId);
    const status = state.status.get(ticketNo);
    switch (status?.[0]) {
      case undefined:
        return { kind: 'unknown' };
      case Status.WAITING:
        return { kind: 'waiting' };
      case Status.AWAY:
        state.away.delete(ticketNo);
        state.status.set(ticketNo, Status.WAITING);
        return { kind: 'waiting' };
      case Status.LEFT:
        countLeft(state, ticketNo, -1);
        state.status.set(ticketNo, Status.WAITING);
        return { kind: 'waiting' };
      case Status.PASSED:
      case Status.REQUEUED:
        state.status.set(ticketNo, Status.REQUEUED);
        state.requeued.add(ticketNo);
        return { kind: 'requeued' };
      case Status.GRANTED: {
        const grantExpiresAt = grantExpiryOf(status!);
        return grantExpiresAt > now ? { kind: 'admitted', grantExpiresAt } : { kind: 'grant_expired' };
      }
      case Status.USED:
        return { kind: 'used' };
      default:
        return { kind: 'left' };
    }
  }

  async disconnect(eventId: string, ticketNos: readonly number[], now: number): Promise<void> {
    const state = this.events.get(eventId);
    for (const ticketNo of ticketNos) {
      const status = state.status.get(ticketNo);
      if (status === Status.WAITING) {
        state.status.set(ticketNo, Status.AWAY);
        state.away.set(ticketNo, now);
      } else if (status === Status.REQUEUED) {
        state.status.set(ticketNo, Status.PASSED);
        state.requeued.delete(ticketNo);
      }
    }
  }

  async leave(eventId: string, ticketNo: number): Promise<void> {
    const state = this.events.get(eventId);
    const status = state.status.get(ticketNo);
    switch (status?.[0]) {
      case Status.WAITING:
      case Status.AWAY:
        state.away.delete(ticketNo);
        state.status.set(ticketNo, Status.LEFT);
        countLeft(state, ticketNo, 1);
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

  async figures(eventId: string, now: number): Promise<QueueFigures> {
    const state = this.events.get(eventId);
    let active = 0;
    for (const expiresAt of state.active.values()) if (expiresAt > now) active++;
    return {
      cursor: state.cursor,
      issued: state.issued,
      active,
      requeued: state.requeued.size,
      paused: state.paused,
      ratePerMinute: state.ratePerMinute,
      admittedTotal: state.admittedTotal,
      left: segmentLayout(state.cursor, state.issued).map(({ level, firstBucket, count }) => ({
        level,
        firstBucket,
        counts: Array.from({ length: count }, (_, k) => state.leftBuckets[level]!.get(firstBucket + k) ?? 0),
      })),
    };
  }

  async admissionStatus(eventId: string, ticketNos: readonly number[], now: number): Promise<AdmissionStatus[]> {
    const state = this.events.get(eventId);
    return ticketNos.map((ticketNo) => admissionStatusOf(state.status.get(ticketNo) ?? null, now));
  }

  async admit(eventId: string, limits: AdmitLimits): Promise<AdmitResult> {
    const state = this.events.get(eventId);
    const { now } = limits;
    for (const [ticketNo, awayAt] of state.away) {
      if (awayAt > now - limits.graceMs) break;
      state.away.delete(ticketNo);
      state.status.set(ticketNo, Status.LEFT);
      countLeft(state, ticketNo, 1);
    }
    for (const [ticketNo, expiresAt] of state.active) if (expiresAt <= now) state.active.delete(ticketNo);
    state.ratePerMinute = limits.ratePerMinute;

    const burst = Math.max(1, limits.admitsPerMinute / 60);
    state.tokens = state.paused
      ? 0
      : Math.min(burst, state.tokens + (Math.max(0, now - state.tokensAt) * limits.admitsPerMinute) / 60_000);
    state.tokensAt = now;
    let budget = Math.max(0, Math.min(Math.floor(state.tokens), limits.maxActive - state.active.size));
    const admitted: AdmitResult['admitted'] = [];
    const grantExpiresAt = now + limits.grantTtlMs;

    for (const ticketNo of [...state.requeued].sort((a, b) => a - b)) {
      if (budget === 0) break;
      state.requeued.delete(ticketNo);
      grant(state, ticketNo, grantExpiresAt);
      admitted.push({ ticketNo, grantExpiresAt });
      budget--;
    }
    let skipped = 0;
    // While paused the cursor stands still: nobody's turn passes while nobody is admitted.
    for (let steps = 0; !state.paused && steps < limits.maxSteps && state.cursor < state.issued; steps++) {
      const ticketNo = state.cursor + 1;
      const status = state.status.get(ticketNo);
      if (status === Status.WAITING) {
        if (budget === 0) break;
        grant(state, ticketNo, grantExpiresAt);
        admitted.push({ ticketNo, grantExpiresAt });
        budget--;
      } else if (status === Status.AWAY) {
        state.away.delete(ticketNo);
        state.status.set(ticketNo, Status.PASSED);
        skipped++;
      } else if (status === Status.LEFT) {
        countLeft(state, ticketNo, -1);
        state.status.set(ticketNo, Status.FINISHED);
        skipped++;
      }
      state.cursor = ticketNo;
    }
    state.tokens -= admitted.length;
    return {
      admitted,
      cursor: state.cursor,
      active: state.active.size,
      skipped,
      backlogged: state.cursor < state.issued || state.requeued.size > 0,
    };
  }

  async setPaused(eventId: string, paused: boolean): Promise<void> {
    this.events.get(eventId).paused = paused;
  }

  async acquireLease(eventId: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    const state = this.events.get(eventId);
    if (state.lease && state.lease.holder !== holder && state.lease.until > now) return false;
    state.lease = { holder, until: now + ttlMs };
    return true;
  }

  async releaseLease(eventId: string, holder: string): Promise<void> {
    const state = this.events.get(eventId);
    if (state.lease?.holder === holder) state.lease = null;
  }
}
