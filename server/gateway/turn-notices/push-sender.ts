/**
 * One Web Push message (RFC 8030) to one subscription: the `web-push` library
 * encrypts the payload for the subscription's keys (RFC 8291, aes128gcm) and
 * signs the VAPID token (RFC 8292); the POST itself is a fetch with a timeout
 * and no redirects, to an endpoint already checked against the configured push
 * services. Never throws.
 */
import webpush from 'web-push';
import type { PushSubscriptionJson } from '../../../shared/protocol/messages.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** `gone`: the push service says the subscription no longer exists (404, 410): forget it. */
export type PushOutcome = 'sent' | 'gone' | 'failed';

export class PushSender {
  constructor(
    private readonly vapid: VapidKeys,
    private readonly ttlSeconds: number,
    private readonly timeoutMs = 5000,
  ) {}

  get publicKey(): string {
    return this.vapid.publicKey;
  }

  async send(subscription: PushSubscriptionJson, payload: string): Promise<PushOutcome> {
    try {
      const request = webpush.generateRequestDetails(subscription, payload, {
        vapidDetails: this.vapid,
        TTL: this.ttlSeconds,
        urgency: 'high',
        contentEncoding: 'aes128gcm',
      });
      const response = await fetch(request.endpoint, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: new Uint8Array(request.body as Buffer),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status === 404 || response.status === 410) return 'gone';
      return response.status >= 200 && response.status < 300 ? 'sent' : 'failed';
    } catch {
      return 'failed';
    }
  }
}
