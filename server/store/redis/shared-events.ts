/** The shared live events in one Redis hash (../shared-events.ts); publishing is one compare-and-set script. */
import type { PublishedEvents, PublishOutcome, SharedEventsStore } from '../shared-events.js';
import type { RedisConnection } from './client.js';
import { liveEventsKey } from './keys.js';
import type { Scripts } from './scripts.js';

export class RedisSharedEvents implements SharedEventsStore {
  private readonly key: string;

  constructor(
    private readonly redis: RedisConnection,
    private readonly scripts: Scripts,
    prefix: string,
  ) {
    this.key = liveEventsKey(prefix);
  }

  async revision(): Promise<number> {
    const [revision] = await this.redis.hmGet(this.key, ['revision']);
    return Number(revision ?? 0);
  }

  async read(): Promise<PublishedEvents | null> {
    const stored = await this.redis.hGetAll(this.key);
    if (!stored.revision) return null;
    return {
      revision: Number(stored.revision),
      document: JSON.parse(stored.document ?? 'null') as unknown,
      fileDigest: stored.fileDigest ?? '',
      publishedBy: stored.publishedBy ?? '',
      publishedAt: Number(stored.publishedAt ?? 0),
    };
  }

  async publish(expected: number, next: Omit<PublishedEvents, 'revision'>): Promise<PublishOutcome> {
    const args = [expected, JSON.stringify(next.document), next.fileDigest, next.publishedBy, next.publishedAt];
    const [ok, revision] = (await this.scripts.run('publish-events', [this.key], args)) as [number, number];
    return ok === 1 ? { ok: true, revision } : { ok: false, current: revision };
  }
}
