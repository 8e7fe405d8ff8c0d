/**
 * The automatic raise of proof-of-work difficulty (events config
 * `proofOfWork.autoRaise`), counted per gateway and event: joins are counted
 * per clock second; a second with more than `joinsPerSecond` raises the
 * difficulty to `autoRaise.difficulty` until `calmSeconds` have passed without
 * another such second. Each gateway decides from its own joins (no store
 * round trip), so the threshold is per gateway.
 */
import type { EventConfig } from '../../config/event-schema.js';

interface JoinRate {
  second: number;
  joins: number;
  /** Raised until then (ms); 0 when never raised. */
  raisedUntil: number;
}

export class AutoRaise {
  private readonly rates = new Map<string, JoinRate>();

  /** Counts a join of `event` at `now` and answers the difficulty its challenge must have. */
  difficultyForJoin(event: Pick<EventConfig, 'id' | 'proofOfWork'>, now: number): number {
    const { difficulty, autoRaise } = event.proofOfWork;
    if (!autoRaise) return difficulty;
    const second = Math.floor(now / 1000);
    let rate = this.rates.get(event.id);
    if (!rate) this.rates.set(event.id, (rate = { second, joins: 0, raisedUntil: 0 }));
    if (rate.second !== second) Object.assign(rate, { second, joins: 0 });
    rate.joins++;
    if (rate.joins > autoRaise.joinsPerSecond) rate.raisedUntil = now + autoRaise.calmSeconds * 1000;
    return now < rate.raisedUntil ? Math.max(difficulty, autoRaise.difficulty) : difficulty;
  }
}
