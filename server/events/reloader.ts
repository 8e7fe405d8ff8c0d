/**
 * Replaces a process's live events, safely, from whatever asked (SIGHUP
 * re-reading the events file, or an operator's POST /admin/events): validate
 * (every problem listed, nothing changes), plan (server/events/reload.ts),
 * refuse what would strand people unless forced, apply to the registry, run
 * the self-check, and audit every attempt whatever its result. Reloads run one
 * at a time in arrival order.
 *
 * A change applied here is published through the store (./shared-link.ts)
 * and every other process of the deployment follows it within a second, so a
 * POST to one gateway or SIGHUP to one process changes the events everywhere
 * (docs/decisions/007-shared-live-events.md).
 */
import type { Clock } from '../clock.js';
import type { EventConfig } from '../config/event-schema.js';
import type { Logger } from '../observability/log.js';
import type { EventMetrics } from '../observability/metrics.js';
import { throttledWarn } from '../observability/throttled-warn.js';
import type { AuditLog } from '../operators/audit-log.js';
import type { NodeNumber, Stores } from '../store/types.js';
import { parseEventFile, readEventFile } from './event-file.js';
import { eventsDigest, SharedEventsLink } from './shared-link.js';
import type { EventRegistry } from './event-registry.js';
import { CapacityBelowBookingsError, capacityRefusals, overridable, planReload, type EventChange, type Refusal } from './reload.js';
import type { SelfCheckResult } from './self-check.js';

export interface ReloadRequest {
  /** Operator name, or `SIGHUP`. */
  actor: string;
  via: 'http' | 'signal' | string;
  /** Apply changes that would strand people. */
  force?: boolean;
}

export interface Problem {
  path: string;
  message: string;
}

/** A change with the whole event for additions and removals, as the audit log keeps it. */
export type AppliedChange = EventChange & { event?: EventConfig };

export type ReloadOutcome =
  | { result: 'applied'; version: number; forced: boolean; changes: AppliedChange[]; overridden: Refusal[]; selfCheck: SelfCheckSummary }
  | { result: 'unchanged'; version: number; changes: [] }
  | { result: 'invalid'; version: number; code: 'EVENTS_INVALID' | 'INVALID_JSON'; message: string; problems: Problem[] }
  | { result: 'refused'; version: number; changes: AppliedChange[]; refusals: Refusal[] }
  /** The store could not be asked who would be stranded: nothing changed (fail closed). */
  | { result: 'failed'; version: number; message: string };

export interface SelfCheckSummary {
  ok: boolean;
  windows: number;
  checks: number;
  rejections: SelfCheckResult['rejections'];
}

export interface EventReloaderOptions {
  registry: EventRegistry;
  stores: Pick<Stores, 'queue' | 'bookings' | 'events' | 'ping'>;
  clock: Clock;
  /** The node number figures() is read under (it records a heartbeat): the gateway's own, or one of this process's. */
  node: () => NodeNumber;
  audit: AuditLog;
  log: Logger;
  /** Configured events file (config eventsFile), for reloadFile. */
  eventsFile?: string | undefined;
  metrics?: EventMetrics;
  /** Runs after every applied reload (the self-check). */
  afterApply(events: readonly EventConfig[]): SelfCheckResult;
}

/** Attempts at publishing a change when other processes keep publishing theirs in between. */
const PUBLISH_ATTEMPTS = 3;
const FOLLOW_FAILURE_LOG_MS = 60_000;

export class EventReloader {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly link: SharedEventsLink;
  private following: NodeJS.Timeout | undefined;
  /** The unreadable revision last reported, so a poll does not repeat the error every second. */
  private reportedUnreadable = 0;

  constructor(private readonly options: EventReloaderOptions) {
    this.link = new SharedEventsLink(options.stores.events);
  }

  /** The shared revision this process's events come from. */
  get revision(): number {
    return this.link.revision;
  }

  /**
   * Start-up: the first process publishes its events; a later one runs what is
   * published (operators' changes included) unless its events file changed
   * since that was published, in which case its start-up publishes the file,
   * as SIGHUP would. Then it checks for newer revisions every `followMs`.
   */
  async start(followMs: number): Promise<void> {
    let joined = await this.joinUnlessStoreAway();
    // While the shared events' key is away (its shard, on a Redis Cluster), the events run on as they are: said once a minute.
    const warnFollowFailed = throttledWarn(this.options.log, FOLLOW_FAILURE_LOG_MS);
    this.following = setInterval(
      () =>
        void this.serially(async () => {
          // Started while the store was away: publish or adopt the events once it is back, then follow as usual.
          if (!joined) joined = await this.joinUnlessStoreAway(false);
          else await this.catchUp();
        }).catch((error: unknown) => warnFollowFailed({ err: error }, 'events: could not check the shared events; retrying')),
      followMs,
    );
    this.following.unref();
  }

  /**
   * Joins the shared events; false (and the process runs this file's events meanwhile) when the store is
   * unreachable, so a process started during a store outage still starts (decision 023). Other failures throw.
   */
  private async joinUnlessStoreAway(serial = true): Promise<boolean> {
    try {
      await (serial ? this.serially(() => this.join()) : this.join());
      return true;
    } catch (error) {
      if (error instanceof CapacityBelowBookingsError || (await this.options.stores.ping())) throw error;
      this.options.log.warn({ err: error }, 'events: the store is unreachable at start-up; running the configured events until it returns');
      return false;
    }
  }

  stop(): void {
    clearInterval(this.following);
  }

  /** Applies a newer published revision now (tests, and before a change is planned). */
  follow(): Promise<void> {
    return this.serially(() => this.catchUp());
  }

  get eventsFile(): string | undefined {
    return this.options.eventsFile;
  }

  /** Validates `input` (the events file's JSON: `{ "events": [...] }`) and applies it unless refused. */
  reload(input: unknown, request: ReloadRequest): Promise<ReloadOutcome> {
    return this.serially(() => this.reloadNow(input, request));
  }

  /** Re-reads the configured events file and applies it (the SIGHUP path). */
  reloadFile(request: ReloadRequest): Promise<ReloadOutcome> {
    return this.serially(async () => {
      const file = this.options.eventsFile;
      if (!file)
        return this.invalid(
          'EVENTS_INVALID',
          'no events file is configured (eventsFile / EVENTS_FILE)',
          [{ path: 'eventsFile', message: 'not configured' }],
          request,
        );
      const read = await readEventFile(file);
      if (!read.ok) return this.invalid('EVENTS_INVALID', `${file}: not a valid events file`, read.problems, request, file);
      return this.apply(read.events, request, file);
    });
  }

  /** Records and answers an attempt whose body could not even be read as JSON. */
  refuseUnreadable(message: string, request: ReloadRequest): Promise<ReloadOutcome> {
    return this.serially(async () => this.invalid('INVALID_JSON', message, [{ path: '', message }], request));
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(input: unknown, request: ReloadRequest): Promise<ReloadOutcome> {
    const parsed = parseEventFile(input);
    if (!parsed.ok)
      return this.invalid('EVENTS_INVALID', `the events are not valid: ${parsed.problems.length} problem(s); nothing changed`, parsed.problems, request);
    return this.apply(parsed.events, request);
  }

  private invalid(code: 'EVENTS_INVALID' | 'INVALID_JSON', message: string, problems: Problem[], request: ReloadRequest, source?: string): ReloadOutcome {
    const version = this.options.registry.version;
    this.audit(request, 'invalid', { version, problems, ...(source ? { source } : {}) });
    return { result: 'invalid', version, code, message, problems };
  }

  private async join(): Promise<void> {
    const { registry, clock, log } = this.options;
    const digest = eventsDigest(registry.current());
    for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
      const latest = await this.link.latest();
      if (latest?.published.fileDigest === digest) return this.adopt(latest);
      if (latest) this.link.caughtUp(latest.published);
      await this.assertCapacities(registry.current());
      const outcome = await this.link.publish(registry.current(), 'start-up', clock.now(), digest);
      if (outcome.ok) {
        const reason = latest ? 'its events file differs from the one the published events came from' : 'nothing was published yet';
        log.info({ revision: outcome.revision }, `events: published this process's events at start-up (${reason})`);
        return;
      }
    }
    throw new Error('events: other processes kept publishing while this one started; start it again');
  }

  /** Start-up's share of the reload check: this process's own events never promise fewer places than the bookings hold. */
  private async assertCapacities(events: readonly EventConfig[]): Promise<void> {
    const refusals: Refusal[] = [];
    for (const event of events) refusals.push(...capacityRefusals(event, await this.options.stores.bookings.taken(event.id)));
    if (refusals.length > 0) throw new CapacityBelowBookingsError(refusals);
  }

  /** Runs the newer published revision, if there is one. */
  private async catchUp(): Promise<void> {
    const newer = await this.link.newer();
    if (newer) this.adopt(newer);
  }

  private adopt(newer: NonNullable<Awaited<ReturnType<SharedEventsLink['latest']>>>): void {
    const { registry, log } = this.options;
    const { published } = newer;
    this.link.caughtUp(published);
    if (newer.kind === 'unreadable') {
      if (this.reportedUnreadable !== published.revision)
        log.error(
          { revision: published.revision, problems: newer.problems },
          'events: the published events are not valid for this process; it keeps its current events',
        );
      this.reportedUnreadable = published.revision;
      return;
    }
    if (JSON.stringify(newer.events) === JSON.stringify(registry.current())) return;
    const version = registry.replace(newer.events);
    this.options.metrics?.version.set(version);
    this.options.afterApply(registry.current());
    log.info({ revision: published.revision, version, publishedBy: published.publishedBy }, 'events: now running the events another process published');
  }

  private async apply(next: EventConfig[], request: ReloadRequest, source?: string): Promise<ReloadOutcome> {
    try {
      for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
        await this.catchUp();
        const outcome = await this.applyOnce(next, request, source);
        if (outcome) return outcome;
      }
    } catch (error) {
      return this.failed(
        request,
        `the store is unreachable, so the change cannot reach the other processes; nothing changed (${(error as Error).message})`,
        source,
      );
    }
    return this.failed(request, 'other processes kept changing the events at the same time; nothing changed, try again', source);
  }

  private failed(request: ReloadRequest, message: string, source?: string): ReloadOutcome {
    const version = this.options.registry.version;
    this.audit(request, 'failed', { version, message, ...(source ? { source } : {}) });
    return { result: 'failed', version, message };
  }

  /** Plans, publishes and applies `next`; null when another process published first (plan again on top of theirs). */
  private async applyOnce(next: EventConfig[], request: ReloadRequest, source?: string): Promise<ReloadOutcome | null> {
    const { registry, stores, clock } = this.options;
    const node = this.options.node();
    const current = registry.current();
    const now = clock.now();
    const force = request.force === true;
    let plan;
    try {
      plan = await planReload(current, next, {
        now,
        figuresOf: (eventId) => stores.queue.figures(eventId, now, node),
        takenOf: (eventId) => stores.bookings.taken(eventId),
      });
    } catch (error) {
      return this.failed(request, `the queue store is unreachable, so who would be stranded is unknown; nothing changed (${(error as Error).message})`, source);
    }
    const changes = withEvents(plan.changes, current, next);
    const extra = source ? { source } : {};
    if (changes.length === 0) {
      this.audit(request, 'unchanged', { version: registry.version, ...extra });
      return { result: 'unchanged', version: registry.version, changes: [] };
    }
    const refusals = force ? plan.refusals.filter((refusal) => !overridable(refusal)) : plan.refusals;
    if (refusals.length > 0) {
      this.audit(request, 'refused', { version: registry.version, changes, refusals, ...extra });
      return { result: 'refused', version: registry.version, changes, refusals };
    }
    const published = await this.link.publish(next, request.actor, now, source ? eventsDigest(next) : undefined);
    if (!published.ok) return null;
    const version = registry.replace(next);
    const check = this.options.afterApply(registry.current());
    const selfCheck = { ok: check.ok, windows: check.windows.length, checks: check.checks, rejections: check.rejections };
    this.audit(request, 'applied', {
      version,
      revision: published.revision,
      changes,
      ...(plan.refusals.length > 0 ? { overridden: plan.refusals } : {}),
      selfCheckOk: check.ok,
      ...extra,
    });
    return { result: 'applied', version, forced: force, changes, overridden: plan.refusals, selfCheck };
  }

  private audit(request: ReloadRequest, result: string, details: Record<string, unknown>): void {
    this.options.metrics?.reloads.inc({ result });
    this.options.metrics?.version.set(this.options.registry.version);
    this.options.audit.record({ actor: request.actor, via: request.via, action: 'events.reload', result, forced: request.force === true, ...details });
  }
}

function withEvents(changes: EventChange[], current: readonly EventConfig[], next: readonly EventConfig[]): AppliedChange[] {
  return changes.map((change) => {
    if (change.kind === 'added') return { ...change, event: next.find((e) => e.id === change.eventId)! };
    if (change.kind === 'removed') return { ...change, event: current.find((e) => e.id === change.eventId)! };
    return change;
  });
}
