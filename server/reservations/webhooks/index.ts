/**
 * The booking webhooks of a process with the reservations role and
 * PostgreSQL bookings: a small pool of its own on the bookings database, the
 * secret read once (`file:<path>` like the other secrets), the deliverer
 * started and its metrics registered. Config errors are thrown before
 * anything is opened.
 */
import type { Registry } from 'prom-client';
import type { Clock } from '../../clock.js';
import { keyText } from '../../config/keys.js';
import { ConfigError } from '../../config/load.js';
import type { Logger } from '../../observability/log.js';
import { createWebhookMetrics } from '../../observability/metrics.js';
import { createPool } from '../../store/postgres/index.js';
import { WebhookDeliverer, type WebhookSettings } from './deliverer.js';
import { WebhookOutbox } from './outbox.js';

export interface Webhooks {
  stop(): Promise<void>;
}

export function startWebhooks(bookingsUrl: string, settings: WebhookSettings, clock: Clock, log: Logger, registry: Registry): Webhooks {
  const secret = readSecret(settings.secret);
  const pool = createPool(bookingsUrl);
  const outbox = new WebhookOutbox(pool);
  const deliverer = new WebhookDeliverer({
    outbox,
    settings: { ...settings, secret },
    clock,
    log,
    metrics: createWebhookMetrics(registry, () => outbox.pendingCount()),
  });
  deliverer.start();
  log.info({ url: settings.url }, `booking webhooks: sending to ${settings.url}`);
  return {
    async stop() {
      await deliverer.stop();
      await pool.end();
    },
  };
}

function readSecret(value: string): string {
  let secret: string;
  try {
    secret = keyText(value).trim();
  } catch (error) {
    throw new ConfigError([`reservations.webhook.secret: cannot read ${value}: ${(error as Error).message}`]);
  }
  if (secret.length < 32) throw new ConfigError([`reservations.webhook.secret: at least 32 characters (${value} holds ${secret.length})`]);
  return secret;
}
