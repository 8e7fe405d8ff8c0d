/**
 * The queue in Redis: one Lua script per state change (scripts/), the same
 * state machine and results as ../memory/queue-store.ts, checked by the shared
 * contract suite. Reads that need no atomic decision are plain commands.
 */
import { segmentLayout } from '../../../shared/queue/left-segments.js';
import type { AdmissionStatus, AdmitLimits, AdmitResult, QueueFigures, QueueStore, ReconnectOutcome } from '../types.js';
import type { RedisClient } from './client.js';
import { eventKeys, type EventKeys } from './keys.js';
import { admitResult, reconnectOutcome } from './outcomes.js';
import { admissionStatusOf } from '../ticket-status.js';
import type { Scripts } from './scripts.js';

/** Tickets per disconnect.lua call, so one node's mass disconnect does not block Redis in one long script. */
const DISCONNECT_CHUNK = 1000;

export class RedisQueueStore implements QueueStore {
  constructor(
    private readonly client: RedisClient,
    private readonly scripts: Scripts,
    private readonly prefix: string,
  ) {}

  private keys(eventId: string): EventKeys {
    return eventKeys(this.prefix, eventId);
  }

  async joinBatch(eventId: string, count: number): Promise<number> {
    const k = this.keys(eventId);
    return Number(await this.scripts.run('join-batch', [k.seq, k.status], [count]));
  }

  async reconnect(eventId: string, ticketNo: number, now: number): Promise<ReconnectOutcome> {
    const k = this.keys(eventId);
    return reconnectOutcome(await this.scripts.run('reconnect', [k.status, k.away, k.requeued, ...k.left], [ticketNo, now]));
  }

  async disconnect(eventId: string, ticketNos: readonly number[], now: number): Promise<void> {
    const k = this.keys(eventId);
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < ticketNos.length; i += DISCONNECT_CHUNK) {
      const chunk = ticketNos.slice(i, i + DISCONNECT_CHUNK);
      calls.push(this.scripts.run('disconnect', [k.status, k.away, k.requeued], [now, ...chunk]));
    }
    await Promise.all(calls);
  }

  async leave(eventId: string, ticketNo: number): Promise<void> {
    const k = this.keys(eventId);
    await this.scripts.run('leave', [k.status, k.away, k.requeued, k.active, ...k.left], [ticketNo]);
  }

  /** Two round trips whatever the queue's size: the figures, then the leaver buckets they select. */
  async figures(eventId: string, now: number): Promise<QueueFigures> {
    const k = this.keys(eventId);
    const [meta, seq, active, requeued] = await this.client
      .multi()
      .hmGet(k.meta, ['cursor', 'paused', 'ratePerMinute', 'admittedTotal'])
      .get(k.seq)
      .zCount(k.active, `(${now}`, '+inf')
      .zCard(k.requeued)
      .execTyped();
    const [cursor, paused, ratePerMinute, admittedTotal] = meta;
    const figures = {
      cursor: Number(cursor ?? 0),
      issued: Number(seq ?? 0),
      active: Number(active),
      requeued: Number(requeued),
      paused: paused === '1',
      ratePerMinute: Number(ratePerMinute ?? 0),
      admittedTotal: Number(admittedTotal ?? 0),
    };
    const spans = segmentLayout(figures.cursor, figures.issued);
    // Issued together, these go out as one pipeline.
    const counts = await Promise.all(
      spans.map(({ level, firstBucket, count }) =>
        this.client.hmGet(k.left[level]!, Array.from({ length: count }, (_, i) => String(firstBucket + i))),
      ),
    );
    return {
      ...figures,
      left: spans.map(({ level, firstBucket }, i) => ({ level, firstBucket, counts: counts[i]!.map((n) => Number(n ?? 0)) })),
    };
  }

  async admissionStatus(eventId: string, ticketNos: readonly number[], now: number): Promise<AdmissionStatus[]> {
    if (ticketNos.length === 0) return [];
    const statuses = await this.client.hmGet(this.keys(eventId).status, ticketNos.map(String));
    return statuses.map((status) => admissionStatusOf(status, now));
  }

  async admit(eventId: string, limits: AdmitLimits): Promise<AdmitResult> {
    const k = this.keys(eventId);
    const reply = await this.scripts.run(
      'admit',
      [k.status, k.away, k.requeued, k.active, k.meta, k.seq, ...k.left],
      [limits.now, limits.maxActive, limits.admitsPerMinute, limits.graceMs, limits.grantTtlMs, limits.maxSteps, limits.ratePerMinute],
    );
    return admitResult(reply);
  }

  async setPaused(eventId: string, paused: boolean): Promise<void> {
    await this.client.hSet(this.keys(eventId).meta, 'paused', paused ? '1' : '0');
  }

  async acquireLease(eventId: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    return (await this.scripts.run('acquire-lease', [this.keys(eventId).lease], [holder, now, ttlMs])) === 1;
  }

  async releaseLease(eventId: string, holder: string): Promise<void> {
    await this.scripts.run('release-lease', [this.keys(eventId).lease], [holder]);
  }
}
