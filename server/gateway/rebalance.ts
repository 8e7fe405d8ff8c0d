/**
 * The hand-off of waiters from a gateway far above an even share (decision 028).
 * A restarted gateway starts empty and a load balancer only places new
 * connections, so nothing else refills it. Once a second each gateway reads
 * every gateway's report of itself (the presence hash it writes each tick: one
 * read of O(nodes), nothing per waiter) and, when it holds more than the even
 * share plus `marginPercent` (or above the share while another is below it by
 * more than the margin), closes a paced few of its waiters with the drain's
 * MOVING close; they resume through the load balancer elsewhere. It hands off
 * only down to the band, and only once the set of gateways has been still for
 * `settleSeconds`: while a rolling restart runs, the drains move everyone and a
 * hand-off would only add moves.
 */
import { CloseCode, moveReason } from '../../shared/protocol/index.js';
import type { NodeNumber, NodePresence } from '../store/types.js';
import type { GatewayServices } from './context.js';
import { newestReports } from './history.js';
import type { Session } from './session.js';

/** How often a gateway weighs its share and hands off. */
export const REBALANCE_STEP_MS = 1000;

export interface HandOffOptions {
  now: number;
  /** A gateway silent for longer than this is left out (controller.nodeTimeoutMs). */
  nodeTimeoutMs: number;
  marginPercent: number;
  movesPerSecond: number;
  /** Waiters this gateway handed off lately, maybe not yet resumed (nor reported) elsewhere: still counted in the share. */
  inFlight: number;
}

export interface HandOffPlan {
  /** Which gateways report and which of them drain: a change restarts the settling. */
  membership: string;
  /** Waiters this gateway should hand off to come down to the share plus the margin (0 when it should not). */
  excess: number;
  /** Hand-offs a second this gateway may make: its part of movesPerSecond. */
  ratePerSecond: number;
  /** Every gateway's connections (and those in flight): how fast it changes says how stale the reports may be. */
  total: number;
}

/**
 * What this gateway (`self`, holding `own` connections now) should hand off,
 * from every gateway's last report. Nothing while any gateway drains or this
 * one has not reported yet. Its own count is the lower of now and its last
 * report: while clients arrive, the others' reports are as old as its own
 * (one tick), and after a hand-off its report is older than what it holds.
 */
export function planHandOff(reports: readonly NodePresence[], self: NodeNumber, own: number, options: HandOffOptions): HandOffPlan {
  const live = newestReports(reports, options.now - options.nodeTimeoutMs).map((report) =>
    report.node === self ? { ...report, connections: Math.min(own, report.connections) } : report,
  );
  own = live.find((report) => report.node === self)?.connections ?? own;
  const membership = live.map((report) => `${report.node}${report.draining ? '~' : ''}`).join(',');
  const total = live.reduce((sum, report) => sum + report.connections, 0) + options.inFlight;
  const still = { membership, excess: 0, ratePerSecond: 0, total };
  if (live.length < 2 || live.some((report) => report.draining) || !live.some((report) => report.node === self)) return still;
  const share = total / live.length;
  const margin = options.marginPercent / 100;
  const ceiling = Math.floor(share * (1 + margin));
  // Those above the band come down to its top; while a gateway is below the band, those above the share come down to it.
  const someoneShort = live.some((report) => report.connections < Math.ceil(share * (1 - margin)));
  const target = (connections: number) => (connections > ceiling ? ceiling : someoneShort ? Math.ceil(share) : connections);
  const senders = live.filter((report) => report.connections > target(report.connections)).length;
  const excess = own - target(own);
  return excess > 0 ? { membership, excess, ratePerSecond: options.movesPerSecond / senders, total } : still;
}

export interface RebalancerDependencies {
  services: GatewayServices;
  /** The node's sessions now (only those waiting are handed off). */
  sessions: () => Iterable<Session>;
  connections: () => number;
  draining: () => boolean;
  random?: () => number;
}

export class Rebalancer {
  private timer: NodeJS.Timeout | null = null;
  private membership = '';
  private changedAt = 0;
  /** Fractions of a hand-off carried to the next step, so a rate below one a step still moves. */
  private owed = 0;
  /** The hand-offs of the last steps: in flight until they resumed elsewhere and that gateway reported them. */
  private recent: { at: number; count: number }[] = [];
  /** Whether the last step found this gateway above its share too: one step alone moves nobody. */
  private wasAbove = false;
  private lastTotal = 0;

  constructor(private readonly deps: RebalancerDependencies) {}

  start(): void {
    if (!this.deps.services.config.gateway.rebalance.enabled || this.timer) return;
    this.timer = setInterval(() => void this.step(), REBALANCE_STEP_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One weighing; resolves with how many waiters it handed off. */
  async step(): Promise<number> {
    const { services, draining } = this.deps;
    if (draining()) return 0;
    const { config, clock, queue, node, log, metrics } = services;
    let reports: NodePresence[];
    try {
      reports = await queue.presence();
    } catch (error) {
      log.debug({ err: error }, "rebalance: the gateways' reports could not be read; no hand-off this step");
      return 0;
    }
    const now = clock.now();
    const { marginPercent, movesPerSecond, settleSeconds } = config.gateway.rebalance;
    // A moved client waits up to a step, resumes (a second or so on a loaded host), and is reported at the receiver's next tick.
    this.recent = this.recent.filter((moves) => moves.at > now - 3 * REBALANCE_STEP_MS - config.gateway.tickMs);
    const inFlight = this.recent.reduce((sum, moves) => sum + moves.count, 0);
    const options = { now, nodeTimeoutMs: config.controller.nodeTimeoutMs, marginPercent, movesPerSecond, inFlight };
    const plan = planHandOff(reports, node, this.deps.connections(), options);
    if (plan.membership !== this.membership) {
      this.membership = plan.membership;
      this.changedAt = now;
    }
    // While clients arrive or leave, reports a tick apart differ by about that churn: an excess within it is no imbalance.
    const churn = Math.abs(plan.total - this.lastTotal);
    this.lastTotal = plan.total;
    const above = plan.excess > churn;
    const persistent = above && this.wasAbove;
    this.wasAbove = above;
    if (!persistent || now - this.changedAt < settleSeconds * 1000 || draining()) {
      this.owed = 0;
      return 0;
    }
    this.owed += (plan.ratePerSecond * REBALANCE_STEP_MS) / 1000;
    // Steps are a second apart only on average (each awaits the store): never more than the rate within any second.
    const lastSecond = this.recent.reduce((sum, moves) => sum + (moves.at > now - 1000 ? moves.count : 0), 0);
    const count = Math.max(0, Math.min(plan.excess, Math.floor(this.owed), Math.ceil(plan.ratePerSecond) - lastSecond));
    this.owed -= count;
    const moved = this.handOff(count);
    this.recent.push({ at: now, count: moved });
    metrics.handOffs.inc(moved);
    return moved;
  }

  /** Closes up to `count` waiting sessions with MOVING, each asked to wait a random part of the step so their resumes spread over it. */
  private handOff(count: number): number {
    const random = this.deps.random ?? Math.random;
    let moved = 0;
    for (const session of this.deps.sessions()) {
      if (moved >= count) break;
      if (session.state.kind !== 'waiting') continue;
      session.close(CloseCode.MOVING, moveReason(random() * REBALANCE_STEP_MS));
      moved++;
    }
    return moved;
  }
}
