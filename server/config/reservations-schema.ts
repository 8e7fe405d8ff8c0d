/** The reservation handler's section of the configuration (server/config/schema.ts), with its booking webhooks. */
import { z } from 'zod';
import { port, url, webhookSecret } from './schema-fields.js';

/**
 * A signed POST per committed booking (docs/webhooks.md, decision 020). Sent from the PostgreSQL
 * bookings outbox, so it needs store.bookingsUrl; the processes with the reservations role send them.
 */
export const WebhookConfig = z
  .object({
    url: z.url().describe("The receiver's URL: every committed booking is POSTed there as JSON, signed (docs/webhooks.md)."),
    secret: webhookSecret,
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000).describe('An attempt with no complete answer by then counts as failed (and is retried).'),
    retryBaseMs: z
      .number()
      .int()
      .min(10)
      .max(3_600_000)
      .default(1000)
      .describe('Retry k (0-based) waits a random time in [0, min(retryMaxMs, retryBaseMs·2^k)).'),
    retryMaxMs: z.number().int().min(10).max(86_400_000).default(600_000).describe('The longest wait between two attempts at one delivery.'),
    giveUpAfterMs: z
      .number()
      .int()
      .min(1000)
      .default(7 * 86_400_000)
      .describe('A booking not delivered this long after it was made is marked failed and no longer tried (7 days by default).'),
    pollMs: z
      .number()
      .int()
      .min(10)
      .max(60_000)
      .default(1000)
      .describe('How often each process looks for due deliveries (at once again while it finds a full batch).'),
    batch: z.number().int().min(1).max(100).default(10).describe('Deliveries one process claims and sends at once, at most.'),
  })
  .strict()
  .refine((webhook) => webhook.retryBaseMs <= webhook.retryMaxMs, { path: ['retryBaseMs'], message: 'retryBaseMs must not exceed retryMaxMs' });

export const ReservationsConfig = z
  .object({
    host: z.string().default('127.0.0.1').describe('Address the reservation handler listens on: 127.0.0.1 for this machine only, 0.0.0.0 for every interface.'),
    port: port.default(8081).describe("Port of the reservation handler's HTTP API (0: any free port)."),
    publicUrl: url.optional().describe('The origin browsers reach the reservation handler at; the gateway hands it to the booking page.'),
    allowedOrigins: z
      .array(z.string())
      .default([])
      .describe(
        'Browser origins allowed to call the API (CORS). When empty, the origin of a gateway in the same process; a standalone reservation handler must list them.',
      ),
    maxBodyBytes: z
      .number()
      .int()
      .min(512)
      .max(1 << 20)
      .default(8192)
      .describe('Largest request body the reservation API accepts, bytes; a larger one is answered 413.'),
    headersTimeoutMs: z
      .number()
      .int()
      .min(200)
      .max(120_000)
      .default(10_000)
      .describe(
        "Time a connection has to send a request's whole header, from its first byte (or from the connection); a slower sender (slowloris) is answered 408 REQUEST_TIMEOUT and closed. Node's default is 60 s.",
      ),
    requestTimeoutMs: z.number().int().min(200).max(600_000).default(30_000).describe('Time for a whole request, body included (at least headersTimeoutMs).'),
    keepAliveTimeoutMs: z.number().int().min(100).max(120_000).default(5000).describe('An idle keep-alive connection is closed after this.'),
    maxConnections: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10_000)
      .describe(
        'Open connections the handler holds at most; one more is closed as soon as it is accepted. Only admitted people book (gateway `maxActive`), a few connections each: the default leaves room for thousands of bookers while bounding what slow connections can hold.',
      ),
    webhook: WebhookConfig.optional().describe('Send a signed webhook for every committed booking (PostgreSQL bookings only): docs/webhooks.md.'),
  })
  .strict()
  .refine((reservations) => reservations.headersTimeoutMs <= reservations.requestTimeoutMs, {
    path: ['headersTimeoutMs'],
    message: 'headersTimeoutMs must not exceed requestTimeoutMs (the header is part of the request)',
  });
