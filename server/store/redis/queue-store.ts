/**
 * The queue in Redis: one Lua script per state change (scripts/), the same
 * state machine and results as ../memory/queue-store.ts, checked by the shared
 * contract suite. Reads that need no atomic decision are plain commands.
 */
import { z } from 'zod';
import type { Draw } from '../../../shared/queue/draw.js';
import { segmentLayout } from '../../../shared/queue/left-segments.js';
import {
  RECENT_REVOCATIONS,
  type AdmissionStatus,
  type AdmitResult,
  type AdmitStep,
  type DeviceJoin,
  type DevicePlace,
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
import type { RedisConnection } from './client.js';
import { eventKeys, globalKeys, scriptKeys, type EventKeys } from './keys.js';
import { admitResult, devicePlace, laneJoinOutcome, reconnectOutcome, revokeOutcome } from './outcomes.js';
import { laneFigures, laneCodeOf, laneCodeRecord } from './lane-figures.js';
import { admissionStatusOf, stillBooks } from '../ticket-status.js';
import type { Scripts } from './scripts.js';
import type { DrawProposal, DrawProposals } from '../draw-seed.js';
import { decodeStored } from './stored-value.js';

/** One gateway's report of itself in the presence hash, as recordPresence writes it. */
const StoredPresence = z.object({ name: z.string(), connections: z.number().int().nonnegative(), at: z.number(), draining: z.literal(true).optional() });

const FIGURE_FIELDS = [
  'cursor',
  'issued',
  'active',
  'requeued',
  'paused',
  'ratePerMinute',
  'admittedTotal',
  'drawSize',
  'drawSeed',
  'drawNonce',
  'commitment',
  'committedAt',
  'noticeId',
  'noticeText',
  'noticeEn',
  'noticeAt',
  'revokedSeq',
  'revokedRecent',
  'lineCount',
];

/** The ARGV of a draw proposal, in the scripts' order: seed, nonce, commitment. */
function proposalArgs({ seed, nonce, commitment }: DrawProposal): [number, string, string] {
  return [seed, nonce, commitment];
}

/** The leaver counts over (cursor, issued], span by span (one HMGET each). */
async function leftCounts(client: RedisConnection, k: EventKeys, cursor: number, issued: number): Promise<QueueFigures['left']> {
  const spans = segmentLayout(cursor, issued);
  const counts = await Promise.all(
    spans.map(({ level, firstBucket, count }) =>
      client.hmGet(
        k.left[level]!,
        Array.from({ length: count }, (_, i) => String(firstBucket + i)),
      ),
    ),
  );
  return spans.map(({ level, firstBucket }, i) => ({ level, firstBucket, counts: counts[i]!.map((n) => Number(n ?? 0)) }));
}

/** Tickets per disconnect.lua call, so one node's mass disconnect does not block Redis in one long script. */
const DISCONNECT_CHUNK = 1000;

export class RedisQueueStore implements QueueStore {
  constructor(
    private readonly client: RedisConnection,
    private readonly scripts: Scripts,
    private readonly prefix: string,
    private readonly proposals: DrawProposals,
  ) {}

  private keys(eventId: string): EventKeys {
    return eventKeys(this.prefix, eventId);
  }

  async joinBatch(eventId: string, count: number, now: number, node: NodeNumber, opensAt: number): Promise<number> {
    const k = this.keys(eventId);
    const keys = scriptKeys(k);
    return Number(await this.scripts.run('join-batch', keys, [count, node, now, opensAt, ...proposalArgs(this.proposals.for(eventId))]));
  }

  async joinDevice(eventId: string, join: DeviceJoin, now: number, node: NodeNumber, opensAt: number): Promise<DevicePlace> {
    const k = this.keys(eventId);
    const keys = scriptKeys(k, k.device(join.deviceHash));
    return devicePlace(
      await this.scripts.run('device-join', keys, [node, now, opensAt, ...proposalArgs(this.proposals.for(eventId)), join.secretHash, join.expiresAt]),
    );
  }

  async releaseDevice(eventId: string, deviceHash: string, ticketNo: number): Promise<void> {
    await this.scripts.run('device-release', [this.keys(eventId).device(deviceHash)], [ticketNo]);
  }

  async redeemChallenge(eventId: string, challengeId: string, expiresAt: number, now: number): Promise<boolean> {
    return Number(await this.scripts.run('challenge-redeem', [this.keys(eventId).redeemedChallenge(challengeId)], [Math.max(1, expiresAt - now)])) === 1;
  }

  async reconnect(eventId: string, ticketNo: number, now: number, node: NodeNumber): Promise<ReconnectOutcome> {
    const k = this.keys(eventId);
    return reconnectOutcome(await this.scripts.run('reconnect', scriptKeys(k), [ticketNo, now, node]));
  }

  async disconnect(eventId: string, ticketNos: readonly number[], now: number, node: NodeNumber): Promise<void> {
    const k = this.keys(eventId);
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < ticketNos.length; i += DISCONNECT_CHUNK) {
      const chunk = ticketNos.slice(i, i + DISCONNECT_CHUNK);
      calls.push(this.scripts.run('disconnect', scriptKeys(k), [now, node, ...chunk]));
    }
    await Promise.all(calls);
  }

  async leave(eventId: string, ticketNo: number): Promise<void> {
    const k = this.keys(eventId);
    await this.scripts.run('leave', scriptKeys(k), [ticketNo]);
  }

  /**
   * Two round trips of plain reads whatever the queue's size (the figures and
   * the heartbeat, then the leaver buckets they select): about four commands
   * per node per tick, none per waiter.
   */
  async figures(eventId: string, now: number, node: NodeNumber): Promise<QueueFigures> {
    const k = this.keys(eventId);
    // Sent together, these go out as one write (node-redis pipelines a tick's commands).
    const [meta] = await Promise.all([this.client.hmGet(k.meta, FIGURE_FIELDS), this.client.hSet(k.nodes, String(node), String(now))]);
    const [
      cursor,
      issued,
      active,
      requeued,
      paused,
      ratePerMinute,
      admittedTotal,
      drawSize,
      drawSeed,
      drawNonce,
      commitment,
      committedAt,
      noticeId,
      noticeText,
      noticeEn,
      noticeAt,
      revokedSeq,
      revokedRecent,
      lineCount,
    ] = meta;
    const figures = {
      cursor: Number(cursor ?? 0),
      issued: Number(issued ?? 0),
      active: Number(active ?? 0),
      requeued: Number(requeued ?? 0),
      paused: paused === '1',
      ratePerMinute: Number(ratePerMinute ?? 0),
      admittedTotal: Number(admittedTotal ?? 0),
      draw: drawSize == null ? null : ({ size: Number(drawSize), seed: Number(drawSeed) } satisfies Draw),
      drawCommitment: commitment == null ? null : { hash: commitment, at: Number(committedAt), nonce: drawNonce ?? null },
      notice: noticeId == null ? null : { id: Number(noticeId), text: noticeText ?? '', en: noticeEn || null, at: Number(noticeAt ?? 0) },
      revoked: { seq: Number(revokedSeq ?? 0), recent: (revokedRecent ?? '').split(' ').filter(Boolean).map(Number) },
    };
    // Issued together, these go out as one pipeline; lanes only once anyone joined one (docs/decisions/031).
    const [left, lanes] = await Promise.all([
      leftCounts(this.client, k, figures.cursor, figures.issued),
      Number(lineCount ?? 0) > 0 ? laneFigures(this.client, k, (client, cursor, issued) => leftCounts(client, k, cursor, issued)) : [],
    ]);
    return { ...figures, left, lanes };
  }

  async admissionStatus(eventId: string, ticketNos: readonly number[], now: number): Promise<AdmissionStatus[]> {
    if (ticketNos.length === 0) return [];
    const statuses = await this.client.hmGet(this.keys(eventId).status, ticketNos.map(String));
    return statuses.map((status) => admissionStatusOf(status, now));
  }

  async mayBook(eventId: string, ticketNo: number): Promise<boolean> {
    const [status] = await this.client.hmGet(this.keys(eventId).status, [String(ticketNo)]);
    return stillBooks(status);
  }

  async releaseBooked(eventId: string, ticketNo: number): Promise<boolean> {
    return Number(await this.scripts.run('release-booked', scriptKeys(this.keys(eventId)), [ticketNo])) === 1;
  }

  async admit(eventId: string, step: AdmitStep): Promise<AdmitResult> {
    const k = this.keys(eventId);
    const reply = await this.scripts.run('admit', scriptKeys(k), [
      step.now,
      step.holder,
      step.leaseMs,
      step.nodeTimeoutMs,
      step.admitting ? 1 : 0,
      step.maxActive,
      step.admitsPerMinute,
      step.graceMs,
      step.grantTtlMs,
      step.maxSteps,
      step.ratePerMinute,
      step.reapDeadNodes ? 1 : 0,
      step.opensAt,
      ...proposalArgs(this.proposals.for(eventId)),
      step.lanes?.length ?? 0,
      ...(step.lanes ?? []).flatMap(({ id, share }) => [id, share]),
    ]);
    return admitResult(reply);
  }

  async joinLane(eventId: string, code: string, lanes: readonly string[], now: number, node: NodeNumber): Promise<LaneJoin> {
    return laneJoinOutcome(await this.scripts.run('lane-join', scriptKeys(this.keys(eventId)), [code, now, node, ...lanes]));
  }

  async issueCodes(eventId: string, codes: readonly NewLaneCode[], now: number): Promise<boolean> {
    const k = this.keys(eventId);
    const [held, existing] = await Promise.all([
      this.client.hLen(k.laneCodes),
      this.client.hmGet(
        k.laneCodes,
        codes.map(({ code }) => code),
      ),
    ]);
    if (held + codes.length > MAX_LANE_CODES || existing.some((record) => record !== null)) return false;
    await Promise.all(codes.map((code) => this.client.hSet(k.laneCodes, code.code, laneCodeRecord(code, now))));
    return true;
  }

  async listCodes(eventId: string): Promise<LaneCode[]> {
    const k = this.keys(eventId);
    const [records, uses] = await Promise.all([this.client.hGetAll(k.laneCodes), this.client.hGetAll(k.laneCodeUses)]);
    return Object.entries(records)
      .map(([code, record]) => laneCodeOf(code, record, Number(uses[code] ?? 0)))
      .sort((a, b) => b.issuedAt - a.issuedAt || (a.code < b.code ? -1 : 1));
  }

  async setPaused(eventId: string, paused: boolean): Promise<void> {
    await this.client.hSet(this.keys(eventId).meta, 'paused', paused ? '1' : '0');
  }

  async setNotice(eventId: string, text: string, now: number, en: string | null = null): Promise<Notice> {
    const id = await this.scripts.run('set-notice', [this.keys(eventId).meta], [text, now, en ?? '']);
    return { id: Number(id), text, en: en || null, at: now };
  }

  async revoke(eventId: string, ticketNo: number): Promise<RevokeOutcome> {
    const k = this.keys(eventId);
    return revokeOutcome(await this.scripts.run('revoke', scriptKeys(k), [ticketNo, RECENT_REVOCATIONS]));
  }

  async recordPresence(node: NodeNumber, { name, connections, draining }: PresenceReport, now: number): Promise<void> {
    await this.client.hSet(globalKeys(this.prefix).presence, String(node), JSON.stringify({ name, connections, at: now, draining }));
  }

  async presence(): Promise<NodePresence[]> {
    const key = globalKeys(this.prefix).presence;
    const reports = await this.client.hGetAll(key);
    return Object.entries(reports).map(([node, json]) => {
      const { name, connections, at, draining } = decodeStored(StoredPresence, json, `${key} ${node}`);
      return { node: Number(node), name, connections, lastSeenAt: at, ...(draining ? { draining } : {}) };
    });
  }

  async forgetPresence(nodes: readonly NodeNumber[]): Promise<void> {
    if (nodes.length > 0) await this.client.hDel(globalKeys(this.prefix).presence, nodes.map(String));
  }

  async releaseLease(eventId: string, holder: string): Promise<void> {
    await this.scripts.run('release-lease', [this.keys(eventId).lease], [holder]);
  }
}
