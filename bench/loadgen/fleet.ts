/**
 * The clients of one load-generator worker: connects them with bounded
 * concurrency, speaks the waiting-room protocol for each (join → ticket →
 * ticks → admitted → booking), and keeps the measurements a snapshot reports.
 * No IPC here (bench/loadgen/worker.ts is the process around it), so tests run
 * it in-process.
 */
import { performance } from 'node:perf_hooks';
import { decodeServerMessage, encode } from '../../shared/protocol/codec.js';
import type { TickMessage } from '../../shared/protocol/messages.js';
import { etaSeconds, peopleAhead } from '../../shared/queue/position.js';
import { Booker } from './booker.js';
import { connect, type Link, type LinkHandler } from './links.js';
import type { Counters, DrainRecord, SnapshotMessage, StartOptions } from './messages.js';
import { ADMITTED, clockNow, CONNECTING, DONE, FAILED, JOINING, LoadClient, WAITING } from './load-client.js';
import { connectionBudget, memoryUsage } from './open-files.js';
import { Reservoir } from './reservoir.js';
import { readStamp } from '../peers/stamp.js';
import { newSecret, possessionKeyOf, secretHash } from './secrets.js';
import { TickCache } from './tick-cache.js';

const JOIN_RID = 1;
const ABANDON_SWEEP_MS = 250;

export class Fleet implements LinkHandler<LoadClient> {
  readonly clients: LoadClient[] = [];
  readonly counters: Counters = { connected: 0, opened: 0, joined: 0, failed: 0, admitted: 0, booked: 0, abandoned: 0, queued: 0 };
  readonly errors: Record<string, number> = {};
  /** One per target: each gateway broadcasts its own frame (its own `t`) every tick. */
  private readonly ticks: TickCache[];
  private readonly targets: URL[];
  private readonly lag: Reservoir;
  private readonly joinLatency: number[] = [];
  private firstTicketAt: number | null = null;
  private lastTicketAt: number | null = null;
  private updates = 0;
  private bytes = 0;
  private windowStartedAt = clockNow();
  private windowLoop = performance.eventLoopUtilization();
  private inFlight = 0;
  /** Links not yet closed (connecting included). */
  private live = 0;
  private stopping = false;
  private booker: Booker | null = null;
  private abandoners: LoadClient[] = [];
  private sweepTimer: NodeJS.Timeout | null = null;
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private whenAllClosed: (() => void) | null = null;
  /** Connections open (or opening) at most: the open-file limit less a reserve. */
  private readonly budget: number;

  constructor(
    readonly options: StartOptions,
    budget = connectionBudget(),
  ) {
    if (options.targets.length === 0) throw new Error('start: no targets');
    if (!Number.isInteger(options.count) || options.count < 0) throw new Error('start: count must be a non-negative integer');
    if (!(options.connectConcurrency >= 1)) throw new Error('start: connectConcurrency must be ≥ 1');
    this.targets = options.targets.map((target) => new URL(target));
    this.ticks = this.targets.map(() => new TickCache());
    this.lag = new Reservoir(options.lagReservoir ?? 100_000);
    this.counters.queued = options.count;
    this.budget = budget;
    // `join` closes each connection after its ticket, so it waits for room; the others would wait forever.
    if (options.scenario !== 'join' && options.count > budget) {
      throw new Error(`start: ${options.count} clients exceed this process's open-file budget of ${budget} connections; use more workers`);
    }
  }

  async start(): Promise<void> {
    const { scenario, reservationsUrl, eventId } = this.options;
    if (scenario === 'drain' && reservationsUrl) {
      this.booker = new Booker(reservationsUrl, eventId, this.options.bookingConcurrency ?? 64);
      await this.booker.init();
    }
    if (scenario === 'drain' && (this.options.abandonRate ?? 0) > 0) this.sweepTimer = setInterval(() => this.sweepAbandoners(), ABANDON_SWEEP_MS);
    const keepalive = this.options.keepalive;
    if (keepalive) this.keepaliveTimer = setInterval(() => this.keepIdleAlive(keepalive.text, keepalive.everyMs), keepalive.everyMs);
    this.windowStartedAt = clockNow();
    this.windowLoop = performance.eventLoopUtilization();
    this.pump();
  }

  /** Closes every connection (close handshake, then reset after `graceMs`); resolves when all are closed. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.booker?.stop();
    this.counters.queued = 0;
    for (const client of this.clients) {
      if (!client.link) continue;
      if (client.state === CONNECTING) client.link.destroy();
      else {
        if (client.state !== FAILED) client.state = DONE;
        client.link.close(1000);
      }
    }
    if (await this.allClosedWithin(graceMs)) return;
    for (const client of this.clients) client.link?.destroy(true);
    await this.allClosedWithin(2000);
  }

  snapshot(reset = false): SnapshotMessage {
    const at = clockNow();
    let waiting = 0;
    let silent = 0;
    const maxGapMs: number[] = [];
    for (const client of this.clients) {
      if (client.state !== WAITING) continue;
      waiting++;
      if (client.windowUpdates === 0) silent++;
      if (client.windowGaps > 0) maxGapMs.push(Math.round(client.maxGap * 100) / 100);
    }
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = memoryUsage();
    const snapshot: SnapshotMessage = {
      type: 'snapshot',
      at,
      windowStartedAt: this.windowStartedAt,
      scenario: this.options.scenario,
      transport: this.options.transport,
      counters: { ...this.counters },
      waiting,
      waitingWithoutUpdates: silent,
      joinLatencyMs: this.joinLatency.map((ms) => Math.round(ms * 100) / 100),
      firstTicketAt: this.firstTicketAt,
      lastTicketAt: this.lastTicketAt,
      lag: { count: this.lag.count, sum: this.lag.sum, max: this.lag.max, samples: this.lag.values() },
      maxGapMs,
      updates: this.updates,
      bytes: this.bytes,
      frames: this.frameCounts(),
      broadcastSpreadMs: this.ticks.flatMap((cache) => cache.spreads.map((ms) => Math.round(ms * 100) / 100)),
      loopUtilization: Math.round(performance.eventLoopUtilization(this.windowLoop).utilization * 1000) / 1000,
      errors: { ...this.errors },
      cpu: process.cpuUsage(),
      memory: { rss, heapUsed, heapTotal, external, arrayBuffers },
      ...(this.options.scenario === 'drain' ? { drain: this.drainRecords() } : {}),
    };
    if (reset) this.resetWindow(at);
    return snapshot;
  }

  // LinkHandler: the same three functions serve every connection.

  open(link: Link<LoadClient>): void {
    const client = link.owner;
    this.inFlight--;
    this.counters.connected++;
    this.counters.opened++;
    this.pump();
    if (this.stopping) {
      client.state = DONE;
      return link.close(1000);
    }
    if (this.options.scenario === 'listen' || this.options.scenario === 'peer') {
      client.state = WAITING;
      if (this.options.subscribe !== undefined) link.sendText(this.options.subscribe);
      return;
    }
    client.state = JOINING;
    const secret = newSecret();
    if (this.options.scenario === 'drain') client.secret = secret;
    client.joinSentAt = clockNow();
    link.send(encode({ type: 'join', rid: JOIN_RID, eventId: this.options.eventId, secretHash: secretHash(secret), pk: possessionKeyOf(secret) }));
  }

  message(link: Link<LoadClient>, data: Buffer): void {
    const client = link.owner;
    const now = clockNow();
    this.bytes += data.length;
    if (this.options.scenario === 'peer') {
      const sentAt = readStamp(data);
      // Unstamped: the peer's own protocol (connection established, subscribed, pong).
      if (sentAt !== null) this.delivered(client, now, sentAt);
      return;
    }
    try {
      const ticks = this.ticks[client.index % this.ticks.length]!;
      const cached = ticks.lookup(data, now);
      if (cached) return this.onTick(client, cached, now);
      const decoded = decodeServerMessage(data);
      if (!decoded.ok) return this.count('frame:invalid');
      const message = decoded.message;
      switch (message.type) {
        case 'tick':
          ticks.remember(data, message, now);
          return this.onTick(client, message, now);
        case 'ticket':
          return this.onTicket(client, message.ticketNo, now);
        case 'admitted':
          return this.onAdmitted(client, message.grant, now);
        case 'error':
          if (message.rid === JOIN_RID && client.state === JOINING) {
            this.counters.failed++;
            this.count(`join:${message.code}`);
            client.state = FAILED;
            return link.close(1000);
          }
          return this.count(`server:${message.code}`);
        default:
          return;
      }
    } catch (error) {
      this.count(`frame:exception:${(error as Error).message.slice(0, 80)}`);
    }
  }

  close(link: Link<LoadClient>, code: number, error: string | null): void {
    const client = link.owner;
    client.link = null;
    this.live--;
    if (client.state === CONNECTING) {
      this.inFlight--;
      client.state = FAILED;
      if (!this.stopping) {
        this.counters.failed++;
        this.count(error ?? `close:${code}`);
        this.pump();
      }
    } else {
      this.counters.connected--;
      if (client.state !== DONE && client.state !== FAILED && !this.stopping) {
        this.counters.failed++;
        this.count(error ? `close:${code}:${error}` : `close:${code}`);
        client.state = FAILED;
      }
    }
    if (this.live === 0 && this.whenAllClosed) this.whenAllClosed();
    else if (!this.stopping) this.pump();
  }

  private pump(): void {
    const { count, connectConcurrency, sourceAddresses, transport } = this.options;
    while (!this.stopping && this.inFlight < connectConcurrency && this.live < this.budget && this.clients.length < count) {
      const client = new LoadClient(this.clients.length);
      this.clients.push(client);
      this.counters.queued = count - this.clients.length;
      const localAddress = sourceAddresses.length > 0 ? sourceAddresses[client.index % sourceAddresses.length] : undefined;
      try {
        client.link = connect(transport, this.targets[client.index % this.targets.length]!, this, client, localAddress ? { localAddress } : {});
        this.inFlight++;
        this.live++;
      } catch (error) {
        this.counters.failed++;
        this.count(`connect:${(error as Error).message.slice(0, 80)}`);
        client.state = FAILED;
      }
    }
  }

  private onTicket(client: LoadClient, ticketNo: number, now: number): void {
    if (client.state !== JOINING) return;
    client.ticketNo = ticketNo;
    client.joinedAt = now;
    this.counters.joined++;
    this.joinLatency.push(now - client.joinSentAt);
    this.firstTicketAt ??= now;
    this.lastTicketAt = now;
    if (this.options.scenario === 'join') {
      client.state = DONE;
      client.link?.close(1000);
      return;
    }
    client.state = WAITING;
  }

  private onTick(client: LoadClient, tick: TickMessage, now: number): void {
    if (client.state !== WAITING) return;
    if (client.lastUpdateAt === 0 && this.options.scenario !== 'listen') {
      client.lastUpdateAt = now;
      if (this.options.scenario === 'drain') this.firstTickOfDrainClient(client, tick, now);
      // The tick sent right after the ticket is the event's last broadcast, up to a tick old: not an update.
      return;
    }
    this.delivered(client, now, tick.t);
  }

  /** An update reached a waiting client: counted, its gap and its lag (receipt − `sentAt`) kept. */
  private delivered(client: LoadClient, now: number, sentAt: number): void {
    if (client.state !== WAITING) return;
    if (client.lastUpdateAt !== 0) {
      const gap = now - client.lastUpdateAt;
      if (gap > client.maxGap) client.maxGap = gap;
      client.windowGaps++;
    }
    client.lastUpdateAt = now;
    client.windowUpdates++;
    this.updates++;
    this.lag.add(now - sentAt);
  }

  /** What a Pusher client does after `everyMs` without a message: send its ping, so the server keeps the connection. */
  private keepIdleAlive(text: string, everyMs: number): void {
    const quietSince = clockNow() - everyMs;
    for (const client of this.clients) if (client.state === WAITING && client.link && client.lastUpdateAt < quietSince) client.link.sendText(text);
  }

  private firstTickOfDrainClient(client: LoadClient, tick: TickMessage, now: number): void {
    const ahead = peopleAhead(tick, client.ticketNo);
    client.aheadAtJoin = ahead;
    client.etaSecondsAtJoin = etaSeconds(tick, ahead);
    const rate = this.options.abandonRate ?? 0;
    if (rate > 0 && Math.random() < rate) {
      const horizonSeconds = this.options.abandonWithinSeconds ?? client.etaSecondsAtJoin ?? 60;
      client.abandonAt = now + Math.random() * horizonSeconds * 1000;
      this.abandoners.push(client);
    }
  }

  private onAdmitted(client: LoadClient, grant: string, now: number): void {
    if (client.state !== WAITING && client.state !== JOINING) return;
    client.state = ADMITTED;
    client.admittedAt = now;
    this.counters.admitted++;
    if (this.options.scenario !== 'drain') return;
    if (!this.booker || !client.secret) {
      client.state = DONE;
      client.link?.close(1000);
      return;
    }
    this.booker.book({
      grant,
      secret: client.secret,
      name: `Loadgen ${process.pid}-${client.index}`,
      done: (booked, error) => {
        client.booked = booked;
        if (booked) this.counters.booked++;
        else this.count(`booking:${error}`);
        client.secret = null;
        if (client.state === ADMITTED) client.state = DONE;
        client.link?.close(1000);
      },
    });
  }

  private sweepAbandoners(): void {
    const now = clockNow();
    this.abandoners = this.abandoners.filter((client) => {
      if (client.state !== WAITING) return false;
      if (client.abandonAt > now) return true;
      client.state = DONE;
      client.abandoned = true;
      this.counters.abandoned++;
      client.link?.close(1000);
      return false;
    });
  }

  private drainRecords(): DrainRecord[] {
    const records: DrainRecord[] = [];
    for (const c of this.clients) {
      if (c.ticketNo === 0) continue;
      records.push({
        ticketNo: c.ticketNo,
        joinedAt: c.joinedAt,
        aheadAtJoin: c.aheadAtJoin,
        etaSecondsAtJoin: c.etaSecondsAtJoin,
        admittedAt: c.admittedAt,
        booked: c.booked,
        abandoned: c.abandoned,
      });
    }
    return records;
  }

  private resetWindow(at: number): void {
    this.windowStartedAt = at;
    this.windowLoop = performance.eventLoopUtilization();
    for (const cache of this.ticks) cache.spreads.length = 0;
    this.lag.clear();
    this.updates = 0;
    this.bytes = 0;
    for (const client of this.clients) {
      client.maxGap = 0;
      client.windowGaps = 0;
      client.windowUpdates = 0;
    }
  }

  /** Frames recognised as an already-decoded tick, and frames decoded. */
  frameCounts(): { cached: number; decoded: number } {
    let cached = 0;
    let decoded = 0;
    for (const cache of this.ticks) {
      cached += cache.hits;
      decoded += cache.misses;
    }
    return { cached, decoded };
  }

  private count(kind: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }

  private allClosedWithin(ms: number): Promise<boolean> {
    if (this.live === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.whenAllClosed = null;
        resolve(false);
      }, ms);
      this.whenAllClosed = () => {
        clearTimeout(timer);
        this.whenAllClosed = null;
        resolve(true);
      };
    });
  }
}
