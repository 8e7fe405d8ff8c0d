/**
 * A gateway node: holds WebSocket connections, joins and resumes tickets,
 * pushes one frame per event per tick, hands admitted clients their grants.
 */
import { decodeClientMessage } from '../../shared/protocol/codec.js';
import { CloseCode, PROTOCOL_VERSION } from '../../shared/protocol/index.js';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { WaitroomConfig } from '../config/schema.js';
import type { EventRegistry, EventsReplaced } from '../events/event-registry.js';
import { createGatewayMetrics } from '../observability/metrics.js';
import type { Logger } from '../observability/log.js';
import { newNodeNumber } from '../store/node-number.js';
import type { BookingStore, HistoryStore, QueueStore, RecoveryStore, TurnNoticeStore } from '../store/types.js';
import { ADMIN_PREFIX, adminHttp, type AdminDependencies } from './admin/router.js';
import type { GatewayContext, GatewayServices, RequestContext, TickContext } from './context.js';
import { drainClients, drainingRefusal, DRAIN_STEP_MS } from './drain.js';
import { EventRoom } from './event-room.js';
import { EventTicker } from './event-ticker.js';
import { EventHistory } from './history.js';
import { ClientLimits } from './limits/client-limits.js';
import { refusedOverLimit } from './limits/request-limits.js';
import { StuckReaders } from './limits/stuck-readers.js';
import { tooManyConnections, TOO_MANY_CONNECTIONS } from './limits/upgrade-refusal.js';
import { gatewayHttp } from './http-routes.js';
import { JoinBatcher } from './join-batcher.js';
import { handleMessage } from './message-handler.js';
import { upgradeAllowed } from './origin.js';
import { Rebalancer } from './rebalance.js';
import { Refusals } from './refusals.js';
import { Session } from './session.js';
import type { TokenAuthority } from './token-authority.js';
import { createTransport } from './transport/index.js';
import type { Connection, HttpHandler, Transport } from './transport/types.js';
import { createTurnNotices } from './turn-notices/index.js';

export interface GatewayOptions {
  config: Readonly<WaitroomConfig>;
  /** The live events: rooms open, follow and close as they change. */
  events: EventRegistry;
  clock: Clock;
  queue: QueueStore;
  /** Read only, for the kiosk and the console. */
  bookings: BookingStore;
  /** The console's history, shared by the deployment's gateways (./history.ts). */
  history: HistoryStore;
  /** Recovery codes (./recovery/recovery-requests.ts). */
  recovery: RecoveryStore;
  /** Contacts for turn notices and their claims (./turn-notices/). */
  turnNotices: TurnNoticeStore;
  /** The store serves at least one live event (decision 026): /readyz and /healthz. */
  storeHealthy: () => Promise<boolean>;
  tokens: TokenAuthority;
  log: Logger;
  /** Base URL of the reservation handler, as browsers reach it. */
  reservationsUrl: () => string;
  registry: Registry;
  /** Serves `/admin/…` with these (server/gateway/admin/router.ts); without them those paths are not found. */
  admin?: AdminDependencies;
}

export class Gateway {
  /** The HTTP pages' and the console's view (tests read the node, the registry and rooms through it). */
  readonly context: GatewayContext;
  private readonly requests: RequestContext;
  private readonly ticks: TickContext;
  private readonly joins: JoinBatcher;
  private readonly sessions = new Map<Connection, Session>();
  private readonly rooms = new Map<string, EventRoom>();
  private readonly tickers = new Map<string, EventTicker>();
  private readonly stopFollowing: () => void;
  private readonly transport: Transport;
  /** Why `gateway.transport: auto` runs on ws here (undefined when it runs on what was asked for). */
  readonly transportFallback: string | undefined;
  private readonly history: EventHistory;
  private readonly limits: ClientLimits;
  private readonly stuckReaders: StuckReaders;
  private readonly rebalancer: Rebalancer;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  /** Set by drain(): not ready, new upgrades refused, clients being moved elsewhere. */
  private draining = false;
  /** The drain's paced closes while they run (./drain.ts). */
  private moving: { abort(): void } | null = null;
  port = 0;

  constructor(private readonly options: GatewayOptions) {
    const { config } = options;
    for (const event of options.events.current()) this.rooms.set(event.id, new EventRoom(event));
    const metrics = createGatewayMetrics(options.registry);
    const node = newNodeNumber();
    const turnNotices = createTurnNotices({ config, store: options.turnNotices, queue: options.queue, clock: options.clock, log: options.log, metrics });
    const services: GatewayServices = {
      config,
      clock: options.clock,
      queue: options.queue,
      node,
      tokens: options.tokens,
      metrics,
      log: options.log,
      turnNotices,
    };
    const bookingUrl = (eventId: string): string => `${options.reservationsUrl()}/api/events/${eventId}/bookings`;
    const roomOf = (eventId: string): EventRoom | undefined => this.rooms.get(eventId);
    this.joins = new JoinBatcher((eventId, count) => {
      const joining = this.rooms.get(eventId);
      // Withdrawn while these joins waited for their batch: they get no ticket (message-handler.ts says why).
      if (!joining) return Promise.reject(new Error(`event ${eventId} was withdrawn`));
      return options.queue.joinBatch(eventId, count, options.clock.now(), node, joining.config.opensAt);
    }, config.gateway.joinBatchMs);
    this.requests = {
      ...services,
      bookingUrl,
      room: roomOf,
      joins: this.joins,
      takeResume: (ticketKey, now) => this.limits.takeResume(ticketKey, now),
      recovery: options.recovery,
      takeRecoveryShown: (ticketKey, now) => this.limits.takeRecoveryShown(ticketKey, now),
    };
    this.ticks = { ...services, bookingUrl, transport: () => this.transport };
    this.context = {
      ...services,
      bookings: options.bookings,
      registry: options.registry,
      transport: () => this.transport,
      connections: () => this.sessions.size,
      room: roomOf,
      rooms: () => this.rooms.values(),
    };
    for (const room of this.rooms.values()) this.tickers.set(room.config.id, new EventTicker(this.ticks, room));
    this.stopFollowing = options.events.onChange((change) => this.followEvents(change));
    const pages = gatewayHttp({
      ctx: this.context,
      startedAt: options.clock.now(),
      storeHealthy: options.storeHealthy,
      ready: () => this.ready(),
      reservationsUrl: options.reservationsUrl,
    });
    this.limits = new ClientLimits(config.gateway);
    this.stuckReaders = new StuckReaders(config.gateway.backpressureCloseSeconds * 1000, options.registry);
    this.rebalancer = new Rebalancer({
      services,
      sessions: () => this.sessions.values(),
      connections: () => this.sessions.size,
      draining: () => this.draining,
    });
    this.history = new EventHistory(this.context, options.history, { stepMs: config.admin.historyStepMs, nodeTimeoutMs: config.controller.nodeTimeoutMs });
    const admin: HttpHandler | undefined = options.admin && adminHttp(options.admin, { ctx: this.context, events: options.events, history: this.history });
    ({ transport: this.transport, fallbackReason: this.transportFallback } = createTransport(config.gateway.transport, {
      ...config.gateway,
      wsPath: '/ws',
      sockets: { open: (c) => this.onOpen(c), message: (c, b) => this.onMessage(c, b), close: (c) => this.onClose(c) },
      http: (request) => (admin && request.path.startsWith(ADMIN_PREFIX) ? admin(request) : pages(request)),
      allowUpgrade: (origin, host) => {
        if (upgradeAllowed(origin, host, config.gateway)) return true;
        this.context.metrics.errors.inc({ code: 'UPGRADE_BAD_ORIGIN' });
        return false;
      },
      admitClient: (socketAddress, header) => {
        if (this.draining) return { ok: false, response: drainingRefusal() };
        const address = this.limits.addressOf(socketAddress, header);
        if (this.limits.mayConnect(address)) return { ok: true, address };
        this.context.metrics.errors.inc({ code: `UPGRADE_${TOO_MANY_CONNECTIONS}` });
        return { ok: false, response: tooManyConnections() };
      },
      maxHttpBodyBytes: config.admin.maxBodyBytes,
    }));
  }

  /** Entries in the per-client limit counters (they follow the clients present, not all ever seen). */
  get limitEntries(): ClientLimits['sizes'] {
    return this.limits.sizes;
  }

  get transportName(): 'uws' | 'ws' {
    return this.transport.name;
  }

  async start(port = this.options.config.gateway.port): Promise<number> {
    this.port = await this.transport.listen(this.options.config.gateway.host, port);
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.config.gateway.tickMs);
    this.history.start();
    this.rebalancer.start();
    return this.port;
  }

  /** One tick for every event, and this node's report of itself; overlapping calls share the running one. */
  tick(): Promise<void> {
    const now = this.options.clock.now();
    this.limits.prune(now);
    this.stuckReaders.sweep(this.sessions.values(), now);
    this.ticking ??= Promise.all([...[...this.tickers.values()].map((t) => t.tick()), this.reportPresence()]).then(
      () => void (this.ticking = null),
      () => void (this.ticking = null),
    );
    return this.ticking;
  }

  /** Once per tick, not per event: the console's connections per node. */
  private async reportPresence(): Promise<void> {
    const { config, clock, log } = this.options;
    try {
      const report = { name: config.nodeId, connections: this.sessions.size, ...(this.draining ? { draining: true as const } : {}) };
      await this.context.queue.recordPresence(this.context.node, report, clock.now());
    } catch (error) {
      // The event ticks report the outage; the console shows this node's last report meanwhile.
      log.debug({ err: error }, 'presence report failed: queue store unreachable');
    }
  }

  /** Whether this node can serve new joins now: not draining, and its store serves at least one live event (GET /readyz, decision 026). */
  async ready(): Promise<boolean> {
    return !this.draining && (await this.options.storeHealthy());
  }

  /**
   * Stops taking clients and moves those it holds elsewhere (./drain.ts):
   * resolves once they are all gone, or at the end of the window (then stop()
   * closes the rest). A window of 0 moves nobody: stop() closes them at once.
   */
  async drain(windowMs = this.options.config.gateway.drainSeconds * 1000): Promise<void> {
    this.draining = true;
    this.rebalancer.stop();
    // Told at once, not at the next tick: the others stop handing off while a gateway drains (./rebalance.ts).
    void this.reportPresence();
    if (windowMs <= 0 || this.sessions.size === 0) return;
    const deadline = Date.now() + windowMs + DRAIN_STEP_MS;
    const moving = drainClients([...this.sessions.values()], windowMs);
    this.moving = moving;
    await moving.done;
    // The closes are asked for; wait (bounded) until the transport has reported each connection gone.
    while (this.sessions.size > 0 && Date.now() < deadline && this.moving) await new Promise((resolve) => setTimeout(resolve, 20));
    moving.abort();
  }

  async stop(): Promise<void> {
    // Stopped during a drain (a second SIGTERM): the clients not yet moved are closed below with SHUTTING_DOWN.
    this.moving?.abort();
    this.moving = null;
    this.stopFollowing();
    this.history.stop();
    this.rebalancer.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    await this.transport.close(CloseCode.SHUTTING_DOWN, 'node shutting down');
    this.joins.flush();
    // Record the departures the close just caused, so those waiters' grace periods start now.
    await Promise.allSettled([...this.tickers.values()].map((t) => t.tick()));
  }

  /**
   * The live events changed: a new event gets a room and ticks from the next
   * tick on; a changed one keeps its room (waiters, last figures, departures)
   * and reads the new config from now on; a removed one's waiters are told and
   * disconnected (the reload that removed it was forced, or nobody waited).
   */
  private followEvents({ current }: EventsReplaced): void {
    const live = new Set(current.map((event) => event.id));
    for (const event of current) {
      const room = this.rooms.get(event.id);
      if (room) {
        room.config = event;
        continue;
      }
      const added = new EventRoom(event);
      this.rooms.set(event.id, added);
      this.tickers.set(event.id, new EventTicker(this.ticks, added));
    }
    for (const [eventId, room] of [...this.rooms]) {
      if (!live.has(eventId)) this.closeRoom(eventId, room);
    }
  }

  private closeRoom(eventId: string, room: EventRoom): void {
    this.rooms.delete(eventId);
    this.tickers.delete(eventId);
    const told = room.withdraw();
    const { metrics } = this.context;
    for (const gauge of [metrics.waiting, metrics.queueWaiting, metrics.activeBookers, metrics.eventAdmitted, metrics.eventOpen, metrics.maxActive])
      gauge.remove({ event: eventId });
    this.options.log.warn({ event: eventId, waiters: told }, `event "${eventId}" was removed: its room here is closed and ${told} waiter(s) were disconnected`);
  }

  /** One counter function for every session (not a closure per connection: every waiter holds a session). */
  private readonly countError = (code: string): void => {
    this.context.metrics.errors.inc({ code });
  };

  private onOpen(connection: Connection): void {
    this.limits.opened(connection.remoteAddress);
    const session = new Session(connection, this.countError);
    this.sessions.set(connection, session);
    this.context.metrics.connections.set(this.sessions.size);
    session.send({
      type: 'hello',
      v: PROTOCOL_VERSION,
      node: this.options.config.nodeId,
      serverTime: this.options.clock.now(),
      tickMs: this.options.config.gateway.tickMs,
      nonce: session.nonce!,
    });
  }

  private onMessage(connection: Connection, bytes: Uint8Array): void {
    const session = this.sessions.get(connection);
    if (!session) return;
    const decoded = decodeClientMessage(bytes);
    if (!decoded.ok) {
      session.sendError(decoded.code, decoded.message, decoded.rid);
      if (++session.invalidFrames >= this.options.config.gateway.maxInvalidFrames) session.close(CloseCode.PROTOCOL_VIOLATION);
      return;
    }
    if (refusedOverLimit(this.limits, session, decoded.message, this.options.clock.now())) return;
    handleMessage(this.requests, session, decoded.message).catch((error: unknown) => {
      this.options.log.error({ err: error }, 'message handling failed');
      session.refuse(Refusals.internal, decoded.message.rid);
    });
  }

  private onClose(connection: Connection): void {
    const session = this.sessions.get(connection);
    if (!session) return;
    this.limits.closed(connection.remoteAddress);
    this.sessions.delete(connection);
    this.context.metrics.connections.set(this.sessions.size);
    session.gone();
    const held = session.ticket;
    if (held) this.rooms.get(held.eventId)?.depart(session);
  }
}
