/**
 * Sends the booking webhooks (docs/webhooks.md, decision 020): every `pollMs`
 * claim up to `batch` due deliveries from the outbox, POST them at once, log
 * each attempt, and schedule a failed one again with full-jitter exponential
 * backoff (shared/reconnect/backoff.ts), until it is delivered or its booking
 * is older than `giveUpAfterMs`. Any number of processes run one each on the
 * same database; the outbox's claim keeps them off each other's rows.
 * `stop()` lets the attempts in flight finish and be recorded; a process
 * killed instead leaves them to be sent again: at least once, never lost.
 */
import type { Clock } from '../../clock.js';
import type { WaitroomConfig } from '../../config/schema.js';
import type { Logger } from '../../observability/log.js';
import type { WebhookMetrics } from '../../observability/metrics.js';
import { backoffDelay } from '../../../shared/reconnect/backoff.js';
import { bookingWebhookBody, bookingWebhookId } from './body.js';
import type { ClaimedDelivery, WebhookOutbox } from './outbox.js';
import { postWebhook } from './post-webhook.js';

export type WebhookSettings = NonNullable<WaitroomConfig['reservations']['webhook']>;

/** The lease a claim takes beyond the attempt's timeout, for the recording to land before it runs out. */
const LEASE_MARGIN_MS = 5000;

export interface WebhookDelivererOptions {
  outbox: WebhookOutbox;
  /** With the secret already read (not `file:…`). */
  settings: WebhookSettings;
  clock: Clock;
  log: Logger;
  metrics?: WebhookMetrics;
  random?: () => number;
}

export class WebhookDeliverer {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> = Promise.resolve();
  private stopped = true;

  constructor(private readonly options: WebhookDelivererOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** No new claims; resolves once the attempts in flight are finished and recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.round;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.round = this.runRound().then((full) => this.schedule(full ? 0 : this.options.settings.pollMs));
    }, delayMs);
  }

  /** One claim and its attempts; true when the batch was full (more may be due). */
  private async runRound(): Promise<boolean> {
    const { outbox, settings, log } = this.options;
    let claimed: ClaimedDelivery[];
    try {
      claimed = await outbox.claim(settings.batch, settings.timeoutMs + LEASE_MARGIN_MS);
    } catch (error) {
      log.warn({ err: error }, 'webhooks: cannot claim deliveries (the bookings database?); trying again');
      return false;
    }
    await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    return claimed.length === settings.batch;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const { outbox, settings, clock, log, metrics } = this.options;
    const id = bookingWebhookId(delivery.eventId, delivery.reference);
    const result = await postWebhook(settings, { id, attempt: delivery.attempt, body: bookingWebhookBody(delivery.record, delivery.createdAt) }, clock);
    metrics?.attempts.inc({ outcome: result.delivered ? 'delivered' : 'failed' });
    try {
      if (result.delivered) {
        await outbox.delivered(delivery, result);
        return;
      }
      // attempt 1 failed: retry 0 of the backoff.
      const retryInMs = backoffDelay(delivery.attempt - 1, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs, random: this.options.random });
      const givenUp = await outbox.failed(delivery, result, retryInMs, settings.giveUpAfterMs);
      if (givenUp) metrics?.givenUp.inc();
      log[givenUp ? 'error' : 'warn'](
        { webhook: id, attempt: delivery.attempt, error: result.error, retryInMs: givenUp ? null : Math.round(retryInMs) },
        givenUp
          ? `webhook ${id} given up after ${delivery.attempt} attempts (${result.error})`
          : `webhook ${id} attempt ${delivery.attempt} failed: ${result.error}`,
      );
    } catch (error) {
      // Not recorded: the lease runs out and the delivery is attempted again (a delivered one is then sent twice).
      log.warn({ err: error, webhook: id }, 'webhooks: cannot record an attempt; it will be repeated');
    }
  }
}
