/**
 * One webhook attempt over HTTP: POST the body with its signature, wait at
 * most `timeoutMs` for the whole answer. A 2xx is delivered; anything else (a
 * status, a timeout, a refused or broken connection) is a failed attempt,
 * described for the delivery log. Never throws.
 */
import { signWebhook } from '../../../shared/webhooks/signature.js';
import type { Clock } from '../../clock.js';
import type { AttemptResult } from './outbox.js';

export interface WebhookTarget {
  url: string;
  secret: string;
  timeoutMs: number;
}

export interface PostedWebhook {
  id: string;
  attempt: number;
  body: string;
}

export async function postWebhook(target: WebhookTarget, webhook: PostedWebhook, clock: Clock): Promise<AttemptResult & { delivered: boolean }> {
  const attemptedAt = new Date(clock.now());
  const started = performance.now();
  const timestamp = Math.floor(clock.now() / 1000);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'waitroom-webhooks/1',
        'waitroom-signature': signWebhook(target.secret, webhook.body, timestamp),
        'waitroom-webhook-id': webhook.id,
        'waitroom-attempt': String(webhook.attempt),
      },
      body: webhook.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    await drain(response);
    const delivered = response.status >= 200 && response.status < 300;
    return {
      attemptedAt,
      durationMs: performance.now() - started,
      statusCode: response.status,
      error: delivered ? null : `HTTP ${response.status}`,
      delivered,
    };
  } catch (error) {
    return { attemptedAt, durationMs: performance.now() - started, statusCode: null, error: describe(error), delivered: false };
  }
}

/** What an answer's body may hold before it is cut off; nothing of it is used. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Reads (and drops) the answer, so the connection is reused and a receiver that hangs mid-answer times out;
 * past MAX_ANSWER_BYTES the rest is not read (the connection is closed instead).
 */
async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  for (let bytes = 0; bytes <= MAX_ANSWER_BYTES;) {
    const { done, value } = await reader.read();
    if (done) return;
    bytes += value.byteLength;
  }
  await reader.cancel();
}

/** `timeout`, a socket error code (ECONNREFUSED, ECONNRESET, …) or the message. */
function describe(error: unknown): string {
  const { name, message, cause } = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (name === 'TimeoutError') return 'timeout';
  return cause?.code ?? cause?.message ?? message ?? String(error);
}
