/**
 * The live events document every process of a deployment follows
 * (docs/decisions/007-shared-live-events.md). A reload or an operator's change
 * on any process publishes the whole document here; every process polls the
 * revision (one small read a second) and applies a newer document. Publishing
 * is compare-and-set on the revision, so two changes made at once cannot
 * silently undo each other.
 */

export interface PublishedEvents {
  /** 1 for the first document, one more for each publish. */
  revision: number;
  /** The events file's JSON (`{ "events": [...] }`), validated by whoever reads it. */
  document: unknown;
  /** Digest of the events file the document was last loaded from (start-up uses it: server/events/events-follower.ts). */
  fileDigest: string;
  /** Who published it (operator name, `SIGHUP`, `start-up`) and when (ms). */
  publishedBy: string;
  publishedAt: number;
}

export type PublishOutcome = { ok: true; revision: number } | { ok: false; current: number };

export interface SharedEventsStore {
  /** The current revision; 0 while nothing is published. */
  revision(): Promise<number>;
  read(): Promise<PublishedEvents | null>;
  /** Publishes when the store's revision is still `expected` (0: none yet); otherwise changes nothing. */
  publish(expected: number, next: Omit<PublishedEvents, 'revision'>): Promise<PublishOutcome>;
}
