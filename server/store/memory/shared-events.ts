/** The shared live events of one process (the memory store serves a single process). */
import type { PublishedEvents, PublishOutcome, SharedEventsStore } from '../shared-events.js';

export class MemorySharedEvents implements SharedEventsStore {
  private published: PublishedEvents | null = null;

  async revision(): Promise<number> {
    return this.published?.revision ?? 0;
  }

  async read(): Promise<PublishedEvents | null> {
    // A copy, as Redis would give: a reader cannot change what is stored.
    return this.published ? structuredClone(this.published) : null;
  }

  async publish(expected: number, next: Omit<PublishedEvents, 'revision'>): Promise<PublishOutcome> {
    const current = this.published?.revision ?? 0;
    if (current !== expected) return { ok: false, current };
    this.published = structuredClone({ ...next, revision: current + 1 });
    return { ok: true, revision: current + 1 };
  }
}
