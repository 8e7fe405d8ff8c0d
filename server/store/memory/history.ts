/** The console's history in process memory: per event, samples oldest first, the same rules as Redis (../types.ts HistoryStore). */
import type { HistorySample, HistoryStore } from '../types.js';

export class MemoryHistory implements HistoryStore {
  private readonly events = new Map<string, HistorySample[]>();

  async append(eventId: string, sample: HistorySample, keepMs: number): Promise<boolean> {
    const samples = this.events.get(eventId) ?? [];
    if ((samples.at(-1)?.t ?? -Infinity) >= sample.t) return false;
    samples.push(structuredClone(sample));
    const kept = samples.filter((known) => known.t > sample.t - keepMs);
    this.events.set(eventId, kept);
    // Other events' histories expire keepMs after their last sample, as Redis expires their keys.
    for (const [id, known] of this.events) if ((known.at(-1)?.t ?? -Infinity) <= sample.t - keepMs) this.events.delete(id);
    return true;
  }

  async read(eventId: string, since: number): Promise<HistorySample[]> {
    return (this.events.get(eventId) ?? []).filter((sample) => sample.t >= since).map((sample) => structuredClone(sample));
  }
}
