/**
 * Starts the parts of Waitroom this process runs — gateway, admission
 * controller, reservation handler — on one store. The demo runs all three;
 * production processes run one role each; tests start whole systems on port 0.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Gauge, Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import { LiveKeys, type KeyReload } from '../config/live-keys.js';
import type { WaitroomConfig } from '../config/schema.js';
import { EventRegistry } from '../events/event-registry.js';
import { EventReloader, type ReloadOutcome } from '../events/reloader.js';
import { reportSelfCheck, runSelfCheck, type SelfCheckResult } from '../events/self-check.js';
import { Gateway } from '../gateway/gateway.js';
import { TokenAuthority } from '../gateway/token-authority.js';
import type { Logger } from '../observability/log.js';
import {
  createControllerMetrics,
  createEventMetrics,
  createReservationMetrics,
  createSelfCheckMetrics,
  createStoreMetrics,
  createStoreUpMetric,
} from '../observability/metrics.js';
import { registerProcessMetrics } from '../observability/process-metrics.js';
import { AuditLog } from '../operators/audit-log.js';
import { OperatorAuthenticator } from '../operators/authenticator.js';
import { SignInThrottle } from '../operators/sign-in-throttle.js';
import { AdmissionController } from '../queue/admission-controller.js';
import { BookingService } from '../reservations/booking-service.js';
import { checkBookingDurability } from '../store/redis/durability.js';
import { createReservationServer } from '../reservations/http-server.js';
import { startWebhooks, type Webhooks } from '../reservations/webhooks/index.js';
import { newNodeNumber } from '../store/node-number.js';
import { PortInUseError } from '../port-in-use.js';
import { startProbeServer, type ProbeServer } from '../health/probe-server.js';
import { StoreHealthMonitor } from '../health/store-health.js';
import { openStores } from '../store/open-stores.js';
import type { Stores } from '../store/types.js';

export interface Roles {
  gateway: boolean;
  controller: boolean;
  reservations: boolean;
}

export interface System {
  stores: Stores;
  /** The live events every part of this process follows. */
  events: EventRegistry;
  /** Replaces the live events safely (SIGHUP and POST /admin/events both go through it). */
  reloader: EventReloader;
  /** The signing and verifying keys; SIGHUP replaces them from the config file (key rotation). */
  keys: LiveKeys;
  audit: AuditLog;
  /**
   * Every metric of this process's roles, and the process and Node metrics: what its /metrics serves
   * (the gateway's and the reservation handler's; a controller-only process has it for the port it is to get, issue 16 item 2).
   */
  registry: Registry;
  /** The self-check of the live events as of now: run, logged and put in the metrics. */
  selfCheck(): SelfCheckResult;
  gateway: Gateway | null;
  controller: AdmissionController | null;
  reservations: Server | null;
  gatewayUrl: string | null;
  reservationsUrl: string;
  /** The controller's probe port (controller.port), when this process runs one alone. */
  probePort: number | null;
  /**
   * SIGTERM's first half (decision 023): every part stops being ready at once;
   * the gateway moves its clients away over its drain window, the reservation
   * handler stops listening and finishes the bookings under way, the controller
   * gives its leases up. stop() follows.
   */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  config: Readonly<WaitroomConfig>;
  clock: Clock;
  log: Logger;
  roles: Roles;
  /** Stores to use instead of opening the configured ones (tests share one between systems). */
  stores?: Stores;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError('the reservation handler', host, port) : error),
    );
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function urlOf(configured: string | undefined, host: string, port: number): string {
  return configured ?? `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
}

/** A local origin under both of its names, so the page works at localhost and 127.0.0.1 alike. */
function sameHostOrigins(url: string): string[] {
  const origin = new URL(url).origin;
  const other = origin.includes('//localhost') ? origin.replace('//localhost', '//127.0.0.1') : origin.replace('//127.0.0.1', '//localhost');
  return [...new Set([origin, other])];
}

/** How often a process checks for events another process published (one small store read). */
const FOLLOW_EVENTS_MS = 1000;

export async function startSystem({ config, clock, log, roles, stores: given }: SystemOptions): Promise<System> {
  // Before anything is opened or started: a refusal leaves nothing behind.
  // Bookings in PostgreSQL (store.bookingsUrl) do not depend on Redis's fsync; openStores checks their schema instead.
  if (roles.reservations && !config.store.bookingsUrl) await checkBookingDurability(config.store, config.bookings.allowUnsafeDurability, log);
  const registry = new Registry();
  registry.setDefaultLabels({ node: config.nodeId });
  registerProcessMetrics(registry);
  // Given stores were opened by their owner, who times their round trips (or not).
  const { redisSeconds } = createStoreMetrics(registry);
  const stores =
    given ??
    (await openStores(
      config.store,
      log,
      () => clock.now(),
      (command, seconds) => redisSeconds.observe({ command }, seconds),
    ));
  createStoreUpMetric(registry, () => stores.ping());
  const liveEvents = new EventRegistry(config.events);
  const events = () => liveEvents.current();
  // Ready, healthy and the per-event and per-shard metrics: served while the store serves some live event.
  const storeHealth = new StoreHealthMonitor(stores, () => events().map((event) => event.id));
  storeHealth.registerMetrics(registry);
  const storeServes = () => storeHealth.servesAny();
  const audit = new AuditLog({ file: config.auditLogFile, store: stores.audit, log, clock });
  const selfCheckMetrics = createSelfCheckMetrics(registry);
  const eventMetrics = createEventMetrics(registry);
  eventMetrics.version.set(liveEvents.version);
  const selfCheck = (current = liveEvents.current()) => {
    const result = runSelfCheck(current, clock.now());
    reportSelfCheck(result, selfCheckMetrics, log);
    return result;
  };
  selfCheck();
  // figures() records a heartbeat of the node it is read under: the gateway's own node when there is one.
  const ownNode = newNodeNumber();

  let reservations: Server | null = null;
  let reservationsUrl = urlOf(config.reservations.publicUrl, config.reservations.host, config.reservations.port);
  let gateway: Gateway | null = null;
  let gatewayUrl: string | null = null;
  let webhooks: Webhooks | null = null;
  let draining = false;
  const drainingGauge = new Gauge({ name: 'waitroom_draining', help: '1 from the SIGTERM until this process exits (decision 023)', registers: [registry] });
  drainingGauge.set(0);

  const reloader = new EventReloader({
    registry: liveEvents,
    stores,
    clock,
    node: () => gateway?.context.node ?? ownNode,
    audit,
    log,
    eventsFile: config.eventsFile,
    afterApply: selfCheck,
    metrics: eventMetrics,
  });

  // Run what the deployment runs (or publish this process's events), then follow every change any process makes.
  await reloader.start(FOLLOW_EVENTS_MS);

  const keys = new LiveKeys({ keys: config.keys, roles, clock, events });
  // A part that fails to start (a port in use, say) stops those started before it, so a failed start leaves nothing running.
  try {
    if (roles.gateway) {
      const tokens = new TokenAuthority(keys.current.ticket!, keys.current.signing!, keys.current.published!);
      keys.follow((set) => tokens.useKeys(set.ticket!, set.signing!, set.published!));
      const throttle = new SignInThrottle(stores.signInThrottle, config.admin.signInThrottle, clock);
      const admin = { reloader, authenticator: new OperatorAuthenticator(config.operators, throttle), audit, sessions: stores.sessions };
      gateway = new Gateway({
        config,
        events: liveEvents,
        clock,
        queue: stores.queue,
        bookings: stores.bookings,
        history: stores.history,
        recovery: stores.recovery,
        turnNotices: stores.turnNotices,
        storeHealthy: storeServes,
        tokens,
        log,
        registry,
        reservationsUrl: () => reservationsUrl,
        admin,
      });
      const port = await gateway.start();
      gatewayUrl = urlOf(config.gateway.publicUrl, config.gateway.host, port);
    }
    if (roles.reservations) {
      const service = new BookingService(stores.bookings, keys.current.verifying!, clock, events);
      keys.follow((set) => service.useKeys(set.verifying!));
      const allowedOrigins = config.reservations.allowedOrigins.length > 0 ? config.reservations.allowedOrigins : gatewayUrl ? sameHostOrigins(gatewayUrl) : [];
      reservations = createReservationServer({
        service,
        allowedOrigins,
        maxBodyBytes: config.reservations.maxBodyBytes,
        connections: config.reservations,
        storeHealthy: storeServes,
        ready: async () => !draining && (await storeServes()),
        registry,
        metrics: createReservationMetrics(registry),
        log,
      });
      const port = await listen(reservations, config.reservations.host, config.reservations.port);
      reservationsUrl = urlOf(config.reservations.publicUrl, config.reservations.host, port);
      // The config refuses a webhook without PostgreSQL bookings: the outbox is there.
      if (config.reservations.webhook && config.store.bookingsUrl)
        webhooks = startWebhooks(config.store.bookingsUrl, config.reservations.webhook, clock, log, registry);
    }
  } catch (error) {
    reloader.stop();
    await gateway?.stop();
    if (!given) await stores.close();
    throw error;
  }
  let controller: AdmissionController | null = null;
  if (roles.controller && config.controller.enabled) {
    controller = new AdmissionController({
      holderId: config.nodeId,
      store: stores.queue,
      clock,
      events,
      leaseMs: config.controller.leaseMs,
      nodeTimeoutMs: config.controller.nodeTimeoutMs,
      maxStepsPerTick: config.controller.maxStepsPerTick,
      metrics: createControllerMetrics(registry),
      log,
    });
    controller.start(config.gateway.tickMs);
  }
  // A controller alone has no HTTP of its own: it gets the probe port when one is configured.
  let probes: ProbeServer | null = null;
  if (controller && !gateway && !reservations && config.controller.port !== undefined) {
    try {
      probes = await startProbeServer(config.controller.host, config.controller.port, async () => !draining && (await storeServes()), registry);
    } catch (error) {
      await controller.stop();
      reloader.stop();
      if (!given) await stores.close();
      throw error;
    }
  }

  return {
    stores,
    events: liveEvents,
    reloader,
    keys,
    audit,
    registry,
    selfCheck: () => selfCheck(),
    gateway,
    controller,
    reservations,
    gatewayUrl,
    get reservationsUrl() {
      return reservationsUrl;
    },
    probePort: probes?.port ?? null,
    async drain() {
      draining = true;
      drainingGauge.set(1);
      const closing = reservations && new Promise<void>((resolve) => reservations!.close(() => resolve()));
      // Idle kept-alive connections go now; one with a booking under way closes once it is answered.
      reservations?.closeIdleConnections();
      await Promise.all([controller?.stop(), gateway?.drain(), closing]);
    },
    async stop() {
      reloader.stop();
      await probes?.close();
      await controller?.stop();
      await gateway?.stop();
      if (reservations?.listening) await new Promise<void>((resolve) => reservations!.close(() => resolve()));
      reservations?.closeAllConnections();
      await webhooks?.stop();
      await audit.flush();
      if (!given) await stores.close();
    },
  };
}

/**
 * What SIGHUP does (server/main/run.ts): re-read the configured events file
 * and apply it as an operator's reload would (validated, refused if it would
 * strand people, audited as `SIGHUP`). Without an events file there is nothing
 * to re-read: a warning, and the events stay as they are (null).
 */
export async function reloadOnSignal(system: Pick<System, 'reloader'>, log: Logger, signal = 'SIGHUP'): Promise<ReloadOutcome | null> {
  if (!system.reloader.eventsFile) {
    log.warn(
      { signal },
      `${signal}: no events file is configured (eventsFile / EVENTS_FILE), so there is nothing to re-read; the events are unchanged. Set one, or POST /admin/events.`,
    );
    return null;
  }
  try {
    return await system.reloader.reloadFile({ actor: signal, via: 'signal' });
  } catch (error) {
    log.error({ err: error, signal }, `${signal}: reloading the events failed; the events are unchanged`);
    return null;
  }
}

/**
 * The other half of SIGHUP: re-read this process's keys (`readKeys`: its config
 * file again) and switch to them if that strands no live token (LiveKeys.reload).
 * Null when the keys do not come from a file that can be re-read.
 */
export function reloadKeysOnSignal(system: Pick<System, 'keys'>, readKeys: () => unknown, log: Logger, signal = 'SIGHUP'): KeyReload | null {
  let input: unknown;
  try {
    input = readKeys();
  } catch (error) {
    log.error({ err: error, signal }, `${signal}: re-reading the keys failed; the keys are unchanged`);
    return null;
  }
  if (input === undefined) return null;
  const outcome = system.keys.reload(input);
  if (outcome.result === 'refused')
    log.error(
      { signal, problems: outcome.problems },
      `${signal}: the new keys are refused; the keys are unchanged:\n${outcome.problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  if (outcome.result === 'applied') {
    for (const warning of outcome.warnings) log.warn({ signal }, `${signal}: ${warning}`);
    log.info(
      { signal, current: outcome.current },
      `${signal}: keys reloaded; signing grants with "${outcome.current.grant}", tickets with "${outcome.current.ticket}"`,
    );
  }
  return outcome;
}
