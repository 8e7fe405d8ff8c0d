/**
 * The whole configuration, parsed once at start-up (server/config/load.ts).
 * Safety limits have safe defaults; impossible combinations are rejected.
 * The larger sections have files of their own: gateway-schema.ts, reservations-schema.ts, admin-schema.ts.
 */
import { z } from 'zod';
import { ALWAYS, EventConfig, reportDuplicates } from './event-schema.js';
import { OperatorAccount } from '../operators/accounts.js';
import { AdminConfig } from './admin-schema.js';
import { GatewayConfig } from './gateway-schema.js';
import { ReservationsConfig } from './reservations-schema.js';
import { port, url, keyText, kid, flag } from './schema-fields.js';

export { AdminConfig, GatewayConfig, ReservationsConfig };
export { WebhookConfig } from './reservations-schema.js';

export const StoreConfig = z
  .object({
    kind: z
      .enum(['memory', 'redis'])
      .default('memory')
      .describe('Where the queue lives: "memory" (one process only, lost at exit) or "redis" (shared by every process; production).'),
    redisUrl: z
      .string()
      .default('redis://127.0.0.1:6379')
      .describe('The Redis the store uses (redis:// or rediss://); not read when redisClusterNodes is set.'),
    redisClusterNodes: z
      .preprocess(
        (value) =>
          typeof value === 'string'
            ? value
                .split(',')
                .map((url) => url.trim())
                .filter(Boolean)
            : value,
        z.array(z.string().url()),
      )
      .prefault([])
      .describe('Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES: comma-separated URLs); when set, redisUrl is not used.'),
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_:-]{1,32}$/)
      .default('wr')
      .describe('Prefix of every Redis key; tests use a unique one each.'),
    bookingsUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
      .optional()
      .describe(
        'Keep bookings in PostgreSQL (BOOKINGS_URL=postgres://…) instead of the queue store; the queue stays where `kind` says. Apply the schema first with `npm run migrate` (docs/decisions/017-postgres-bookings.md).',
      ),
    bookingReplicas: z.coerce
      .number()
      .int()
      .min(0)
      .max(8)
      .default(0)
      .describe(
        'Bookings in Redis: confirm a booking only once `WAIT` saw it on this many replicas of its master (WAITROOM_BOOKING_REPLICAS); 0 waits for none. The reservation handler refuses to start when a master has fewer replicas linked, or has replicas while this is 0 (docs/decisions/027-replicated-before-confirmed.md).',
      ),
    bookingReplicaTimeoutMs: z.coerce
      .number()
      .int()
      .min(10)
      .max(10_000)
      .default(1000)
      .describe(
        'How long a booking waits for its replicas (WAITROOM_BOOKING_REPLICA_TIMEOUT_MS); past it the person gets the retryable BOOKING_NOT_REPLICATED, the booking stays, and the same request again returns it once replicated.',
      ),
  })
  .strict()
  .superRefine((store, ctx) => {
    if (store.bookingReplicas > 0 && (store.kind !== 'redis' || store.bookingsUrl))
      ctx.addIssue({
        code: 'custom',
        path: ['bookingReplicas'],
        message: 'bookingReplicas applies to bookings kept in Redis: set store.kind "redis" without bookingsUrl, or leave bookingReplicas at 0',
      });
  });

export const BookingsConfig = z
  .object({
    allowUnsafeDurability: flag
      .prefault(false)
      .describe(
        'Start the reservation handler on a Redis that does not run `appendonly yes` with `appendfsync always` (WAITROOM_ALLOW_UNSAFE_DURABILITY=1): a crash can then lose bookings already confirmed. For tests and benchmarks only; logged as a warning at every start (server/store/redis/durability.ts).',
      ),
  })
  .strict();

export const KeysConfig = z
  .object({
    grant: z
      .object({
        current: kid.describe('Key id the gateways sign new grants with.'),
        privateKeys: z.record(kid, keyText).default({}).describe('Ed25519 private keys (PKCS#8 PEM) by key id; gateways need the current one.'),
        publicKeys: z.record(kid, keyText).default({}).describe('Ed25519 public keys (SPKI PEM) by key id; the reservation handler needs these only.'),
        jwksUrl: z
          .string()
          .url()
          .optional()
          .describe("Or a JWKS URL to take them from (a gateway's `/.well-known/jwks.json`); then publicKeys and privateKeys are not read for verifying."),
      })
      .strict()
      .describe('The Ed25519 keys that sign admission grants (gateways) and verify them (reservation handler).'),
    ticket: z
      .object({
        current: kid.describe('Key id new queue tickets are signed with; older ids still verify while their secrets are listed.'),
        secrets: z.record(kid, z.string().min(1)).describe('HMAC secrets (base64, at least 32 bytes; or `file:<path>`) by key id.'),
      })
      .strict()
      .optional()
      .describe('Gateways need these; the reservation handler does not.'),
    vapid: z
      .object({
        publicKey: z
          .string()
          .regex(/^[A-Za-z0-9_-]{87}$/, 'the uncompressed P-256 point, base64url (87 characters)')
          .describe('The VAPID public key (base64url of the 65-byte P-256 point), published in /api/info for pages to subscribe with.'),
        privateKey: keyText.describe('The VAPID private key (base64url of the 32-byte P-256 scalar), or `file:<path>`.'),
        subject: z
          .string()
          .regex(/^(mailto:|https:\/\/)\S+$/, 'mailto:… or https://…')
          .describe('A contact for the push services (mailto: or https:), sent in every VAPID token.'),
      })
      .strict()
      .optional()
      .describe('Web Push (RFC 8292) keys: without them gateways send no push notices and pages offer none. `npx web-push generate-vapid-keys` makes a pair.'),
  })
  .strict();

export const ControllerConfig = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Run the admission controller in processes that can (the gateway, the demo); a controller process requires it.'),
    leaseMs: z
      .number()
      .int()
      .min(500)
      .max(60_000)
      .default(3000)
      .describe("A dead controller's lease runs out after this; the next step elsewhere takes over (within leaseMs + one tick)."),
    nodeTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(600_000)
      .default(5000)
      .describe('A gateway silent (no heartbeat) for this long is dead: its waiters stop counting as ahead after the grace period.'),
    maxStepsPerTick: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(5000)
      .describe("Admissions one controller step makes at most, across events; bounds one step's work."),
    port: port.optional().describe("A standalone controller's probe port (/livez, /readyz, /metrics); none when unset, any free one when 0."),
    host: z.string().default('127.0.0.1').describe("Address a standalone controller's probe port listens on."),
  })
  .strict();

export const WaitroomConfig = z
  .object({
    nodeId: z
      .string()
      .min(1)
      .max(64)
      .default(`node-${process.pid}`)
      .describe("This process's name in logs, metrics, heartbeats and the controller's lease; unique per process."),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('Least severe log level written (pino), as JSON lines on stdout.'),
    gateway: GatewayConfig.default(GatewayConfig.parse({})).describe('The WebSocket gateway: listener, limits per connection and per client address, proxies.'),
    reservations: ReservationsConfig.default(ReservationsConfig.parse({})).describe(
      "The reservation handler's HTTP API: listener, CORS origins, timeouts and limits.",
    ),
    store: StoreConfig.default(StoreConfig.parse({})).describe('Where the queue (and, without bookingsUrl, the bookings) is kept.'),
    bookings: BookingsConfig.default(BookingsConfig.parse({})).describe('How the reservation handler treats its durability requirements.'),
    controller: ControllerConfig.default(ControllerConfig.parse({})).describe(
      'The admission controller: who admits how many when, one leader per event by lease.',
    ),
    keys: KeysConfig.describe('Signing keys: grants (Ed25519) and queue tickets (HMAC). Often given as WAITROOM_KEYS from a secret store.'),
    events: z
      .array(EventConfig)
      .min(1, 'configure at least one event')
      .describe('The events the waiting room runs (docs/events.md); or leave them out and set eventsFile.'),
    eventsFile: z
      .string()
      .min(1)
      .optional()
      .describe('A file `{ "events": [ … ] }` to take the events from (EVENTS_FILE), instead of `events`; load.ts reads it into `events`.'),
    operators: z.array(OperatorAccount).default([]).describe('Who may use the admin API (and the operator console); none by default.'),
    auditLogFile: z
      .string()
      .min(1)
      .optional()
      .describe('Append one JSON line per audited action here (AUDIT_LOG_FILE); without it, entries go to the process log only.'),
    admin: AdminConfig.default(AdminConfig.parse({})).describe("The operators' HTTP API on the gateway (/admin/…) and the console behind it."),
  })
  .strict()
  .superRefine((config, ctx) => {
    reportDuplicates(config.events, 'events', ctx);
    reportDuplicateNames(config.operators, ctx);
    if (config.reservations?.webhook && !config.store?.bookingsUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['reservations', 'webhook'],
        message: 'webhooks are sent from the PostgreSQL bookings outbox: set store.bookingsUrl (BOOKINGS_URL) as well, or remove reservations.webhook',
      });
    const ticket = config.keys?.ticket;
    if (ticket?.secrets && typeof ticket.secrets === 'object' && !(ticket.current in ticket.secrets)) {
      ctx.addIssue({ code: 'custom', path: ['keys', 'ticket', 'current'], message: `no secret for the current key id "${ticket.current}"` });
    }
  }, ALWAYS);
export type WaitroomConfig = z.infer<typeof WaitroomConfig>;
export type WaitroomConfigInput = z.input<typeof WaitroomConfig>;

function reportDuplicateNames(operators: unknown, ctx: z.RefinementCtx): void {
  if (!Array.isArray(operators)) return;
  const seen = new Set<unknown>();
  operators.forEach((operator: { name?: unknown } | null, index) => {
    if (seen.has(operator?.name))
      ctx.addIssue({ code: 'custom', path: ['operators', index, 'name'], message: `duplicate operator "${String(operator?.name)}"` });
    seen.add(operator?.name);
  });
}
