/**
 * A turn notice for a person who left a phone number: one signed POST to the
 * operator's messaging provider (SMS, KakaoTalk), the booking webhooks' own
 * signing and attempt (server/reservations/webhooks/post-webhook.ts,
 * docs/webhooks.md), retried in this process with full-jitter exponential
 * backoff up to `attempts` times. Nothing is queued in a store: a notice late
 * by minutes is worth little, and the number must not outlive the event.
 */
import { randomUUID } from 'node:crypto';
import { backoffDelay } from '../../../shared/reconnect/backoff.js';
import type { Clock } from '../../clock.js';
import type { TurnNoticesConfig } from '../../config/turn-notices-schema.js';
import { postWebhook } from '../../reservations/webhooks/post-webhook.js';
import type { TurnNoticePayload } from './payload.js';

export type PhoneWebhookSettings = NonNullable<TurnNoticesConfig['webhook']>;

/** The body the provider receives (docs/webhooks.md, "Turn notices"). */
export interface PhoneNoticeBody extends TurnNoticePayload {
  type: 'turn_notice';
  ticketNo: number;
  /** E.164, e.g. +821012345678. */
  phone: string;
}

export class PhoneSender {
  constructor(
    /** With the secret already read (not `file:…`). */
    private readonly settings: PhoneWebhookSettings,
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
  ) {}

  /** Resolves with the attempts made once delivered, or given up (then `delivered` is false). */
  async send(body: PhoneNoticeBody): Promise<{ delivered: boolean; attempts: number }> {
    const { settings } = this;
    const id = randomUUID();
    const text = JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      const result = await postWebhook(settings, { id, attempt, body: text }, this.clock);
      if (result.delivered || attempt >= settings.attempts) return { delivered: result.delivered, attempts: attempt };
      const waitMs = backoffDelay(attempt - 1, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs, random: this.random });
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
