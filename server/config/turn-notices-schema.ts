/** The gateway's turn notices (docs/decisions/029-turn-notices.md): Web Push and the messaging provider's webhook. */
import { z } from 'zod';
import { webhookSecret } from './schema-fields.js';

/**
 * The push services of the browsers people use: Chrome and Edge's FCM, Firefox's autopush, Safari's, Windows'.
 * A subscription naming any other endpoint is refused (PUSH_SERVICE_REFUSED): the gateway never POSTs to an address a page chose.
 */
export const DEFAULT_PUSH_SERVICES = [
  'https://fcm.googleapis.com',
  'https://updates.push.services.mozilla.com',
  'https://web.push.apple.com',
  'https://*.notify.windows.com',
];

/** An origin, or one whose host starts with `*.` (any subdomain of the rest). */
const pushService = z
  .string()
  .regex(/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/, 'an origin such as https://fcm.googleapis.com, or https://*.example.org for its subdomains');

export const PhoneWebhookConfig = z
  .object({
    url: z.url().describe("The messaging provider's endpoint (SMS, KakaoTalk): each notice for a person who left a phone number is POSTed there, signed."),
    secret: webhookSecret,
    timeoutMs: z.number().int().min(100).max(60_000).default(5000).describe('An attempt with no complete answer by then counts as failed (and is retried).'),
    retryBaseMs: z.number().int().min(10).max(60_000).default(500).describe('Retry k (0-based) waits a random time in [0, min(retryMaxMs, retryBaseMs·2^k)).'),
    retryMaxMs: z.number().int().min(10).max(600_000).default(10_000).describe('The longest wait between two attempts at one notice.'),
    attempts: z.number().int().min(1).max(20).default(6).describe('Attempts at one notice before it is given up (a notice late by minutes is worth little).'),
  })
  .strict()
  .refine((webhook) => webhook.retryBaseMs <= webhook.retryMaxMs, { path: ['retryBaseMs'], message: 'retryBaseMs must not exceed retryMaxMs' });

export const TurnNoticesConfig = z
  .object({
    nearDistance: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(20)
      .describe('"Your turn is near" goes out when this many places or fewer are left before a person\'s turn.'),
    pushServices: z
      .array(pushService)
      .default(DEFAULT_PUSH_SERVICES)
      .describe('Where Web Push subscriptions may point (origins; `https://*.host` for its subdomains). Needs keys.vapid.'),
    pushTtlSeconds: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(600)
      .describe('How long a push service keeps a notice for a phone that is offline before dropping it.'),
    maxPerTick: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(2000)
      .describe('Places one gateway looks at per tick and event, at most; past that it catches up over the next ticks.'),
    webhook: PhoneWebhookConfig.optional().describe('Call a messaging provider for people who left a phone number; without it the page offers no phone field.'),
  })
  .strict();
export type TurnNoticesConfig = z.infer<typeof TurnNoticesConfig>;
