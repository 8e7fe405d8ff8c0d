/**
 * A process's link to the live events its deployment shares through the store
 * (server/store/shared-events.ts, docs/decisions/007-shared-live-events.md):
 * which revision this process runs, what a newer published document says, and
 * publishing this process's change with compare-and-set on that revision.
 */
import { createHash } from 'node:crypto';
import type { EventConfig } from '../config/event-schema.js';
import type { PublishedEvents, PublishOutcome, SharedEventsStore } from '../store/shared-events.js';
import { parseEventFile, type FileProblem } from './event-file.js';

/** Identifies an events file's content, so start-up can tell whether the file changed since it was published. */
export function eventsDigest(events: readonly EventConfig[]): string {
  return createHash('sha256').update(JSON.stringify(events)).digest('base64url');
}

/** The events as an events file again (the parsed form, less the null that stands for "no pre-queue"). */
export function asEventFile(events: readonly EventConfig[]): { events: unknown[] } {
  return { events: events.map(({ prequeueOpensAt, ...event }) => (prequeueOpensAt === null ? event : { ...event, prequeueOpensAt })) };
}

export type Newer =
  | { kind: 'events'; published: PublishedEvents; events: EventConfig[] }
  /** Published by a process this one cannot read (e.g. a newer version): it keeps what it runs. */
  | { kind: 'unreadable'; published: PublishedEvents; problems: FileProblem[] };

export class SharedEventsLink {
  /** The revision this process's events came from (0 before the first publish or read). */
  revision = 0;
  /** The digest of the events file behind the revision this process runs. */
  fileDigest = '';

  constructor(private readonly store: SharedEventsStore) {}

  /** The published document when it is newer than what this process runs (one small read when it is not). */
  async newer(): Promise<Newer | null> {
    if ((await this.store.revision()) <= this.revision) return null;
    return this.latest();
  }

  /** The published document whatever its revision, or null when none is. */
  async latest(): Promise<Newer | null> {
    const published = await this.store.read();
    if (!published) return null;
    const parsed = parseEventFile(published.document);
    return parsed.ok ? { kind: 'events', published, events: parsed.events } : { kind: 'unreadable', published, problems: parsed.problems };
  }

  /** Marks `published` as what this process now runs (or deliberately passed over). */
  caughtUp(published: Pick<PublishedEvents, 'revision' | 'fileDigest'>): void {
    this.revision = published.revision;
    this.fileDigest = published.fileDigest;
  }

  /** Publishes `events` on top of the revision this process runs; `fileDigest` when they were read from the events file. */
  async publish(events: readonly EventConfig[], publishedBy: string, now: number, fileDigest = this.fileDigest): Promise<PublishOutcome> {
    const outcome = await this.store.publish(this.revision, { document: asEventFile(events), fileDigest, publishedBy, publishedAt: now });
    if (outcome.ok) this.caughtUp({ revision: outcome.revision, fileDigest });
    return outcome;
  }
}
