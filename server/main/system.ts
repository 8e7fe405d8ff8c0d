/**
 * Starts the parts of Waitroom this process runs — gateway, admission
 * controller, reservation handler — on one store. The demo runs all three;
 * production processes run one role each; tests start whole systems on port 0.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import { grantPublicKeys, grantSigningKey, ticketKeyRing } from '../config/keys.js';
import type { WaitroomConfig } from '../config/schema.js';
import { Gateway } from '../gateway/gateway.js';
import { TokenAuthority } from '../gateway/token-authority.js';
import type { Logger } from '../observability/log.js';
import { createControllerMetrics, createReservationMetrics } from '../observability/metrics.js';
import { AdmissionController } from '../queue/admission-controller.js';
import { BookingService } from '../reservations/booking-service.js';
import { createReservationServer } from '../reservations/http-server.js';
import { openStores } from '../store/open-stores.js';
import type { Stores } from '../store/types.js';

export interface Roles {
  gateway: boolean;
  controller: boolean;
  reservations: boolean;
}

export interface System {
  stores: Stores;
  gateway: Gateway | null;
  controller: AdmissionController | null;
  reservations: Server | null;
  gatewayUrl: string | null;
  reservationsUrl: string;
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
    server.once('error', reject);
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

export async function startSystem({ config, clock, log, roles, stores: given }: SystemOptions): Promise<System> {
  const stores = given ?? (await openStores(config.store, log));
  const registry = new Registry();
  registry.setDefaultLabels({ node: config.nodeId });
  const events = () => config.events;

  let reservations: Server | null = null;
  let reservationsUrl = urlOf(config.reservations.publicUrl, config.reservations.host, config.reservations.port);
  let gateway: Gateway | null = null;
  let gatewayUrl: string | null = null;

  if (roles.gateway) {
    const tokens = new TokenAuthority(ticketKeyRing(config.keys), grantSigningKey(config.keys));
    gateway = new Gateway({ config, clock, queue: stores.queue, storeHealthy: () => stores.ping(), tokens, log, registry, reservationsUrl: () => reservationsUrl });
    const port = await gateway.start();
    gatewayUrl = urlOf(config.gateway.publicUrl, config.gateway.host, port);
  }
  if (roles.reservations) {
    const service = new BookingService(stores.bookings, grantPublicKeys(config.keys), clock, events);
    const allowedOrigins = config.reservations.allowedOrigins.length > 0 ? config.reservations.allowedOrigins : gatewayUrl ? sameHostOrigins(gatewayUrl) : [];
    reservations = createReservationServer({
      service,
      allowedOrigins,
      maxBodyBytes: config.reservations.maxBodyBytes,
      storeHealthy: () => stores.ping(),
      registry,
      metrics: createReservationMetrics(registry),
      log,
    });
    const port = await listen(reservations, config.reservations.host, config.reservations.port);
    reservationsUrl = urlOf(config.reservations.publicUrl, config.reservations.host, port);
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

  return {
    stores,
    gateway,
    controller,
    reservations,
    gatewayUrl,
    get reservationsUrl() {
      return reservationsUrl;
    },
    async stop() {
      await controller?.stop();
      await gateway?.stop();
      await new Promise<void>((resolve) => (reservations ? reservations.close(() => resolve()) : resolve()));
      reservations?.closeAllConnections();
      if (!given) await stores.close();
    },
  };
}
