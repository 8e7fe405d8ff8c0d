/**
 * The whole configuration, parsed once at start-up (server/config/load.ts).
 * Safety limits have safe defaults; impossible combinations are rejected.
 */
import { z } from 'zod';
import { ALWAYS, EventConfig, reportDuplicates } from './event-schema.js';
import { OperatorAccount } from '../operators/accounts.js';
import { isAddressOrCidr } from '../gateway/limits/address-ranges.js';

const port = z.coerce.number().int().min(0).max(65535);
const url = z.url();
/** A PEM text, or `file:<path>` to read it from a file. */
const keyText = z.string().min(1);
/** A browser origin: scheme, host and port only, e.g. `https://www.example.org`. */
const origin = z
  .url()
  .refine((value) => URL.canParse(value) && new URL(value).origin === value, 'an origin: scheme://host[:port], without a path or a trailing slash');
const kid = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'key ids are 1–32 characters of A–Z, a–z, 0–9, _ and -');

/** An IPv4 or IPv6 address, or a CIDR block of them ("100.64.0.0/10", "2001:db8::/32"). */
const cidr = z.string().refine(isAddressOrCidr, 'an IP address or a CIDR block, e.g. 203.0.113.7 or 100.64.0.0/10');
const IpCaps = z
  .object({
    maxConnections: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(2000)
      .describe('Open WebSocket connections from one address; more are refused at the upgrade with HTTP 429.'),
    joinsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(600)
      .describe('Joins from one address per minute (a token bucket); more get RATE_LIMITED. Loose: the device is the real limit (decision 008).'),
    keylessJoinsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10)
      .describe(
        'Of those, joins without a device key (the SDK and the page always send one, so these are other clients): a bucket of their own, far smaller; a keyless join takes from both (decision 008).',
      ),
  })
  .strict();
const NatRange = IpCaps.extend({ cidr: cidr.describe('The NAT range: an address or a CIDR block these caps apply to.') }).strict();

export const GatewayConfig = z
  .object({
    host: z.string().default('127.0.0.1').describe('Address the gateway listens on: 127.0.0.1 for this machine only, 0.0.0.0 (or ::) for every interface.'),
    port: port.default(8080).describe("Port of the gateway's HTTP and WebSocket listener (0: any free port)."),
    transport: z
      .enum(['auto', 'uws', 'ws'])
      .default('auto')
      .describe(
        'auto: uws where its native binary loads, else ws with a warning at start-up; uws (native uWebSockets.js; refuses to start where the binary does not load); ws (pure Node; slower). See docs/operations.md, "Node versions and the native transport".',
      ),
    publicUrl: url.optional().describe('The origin browsers reach the gateway at.'),
    allowedOrigins: z
      .array(origin)
      .default([])
      .describe(
        "Origins of other sites whose pages may open the WebSocket (sites that embed the SDK). The gateway's own origin and clients that send no Origin (not browsers) are always allowed; any other browser origin is refused at the upgrade.",
      ),
    tickMs: z.coerce
      .number()
      .int()
      .min(20)
      .max(1000)
      .default(1000)
      .describe("How often each gateway sends every waiter their place (ms); also the admission controller's step."),
    drainSeconds: z.coerce
      .number()
      .min(0)
      .max(600)
      .default(30)
      .describe(
        'On SIGTERM the node stops being ready and moves its clients to the other nodes over this many seconds (connections/drainSeconds resumes a second elsewhere), then exits; 0 closes them all at once (decision 023).',
      ),
    joinBatchMs: z.coerce.number().int().min(0).max(50).default(2).describe('Joins arriving within this window share one store round trip.'),
    maxFrameBytes: z
      .number()
      .int()
      .min(256)
      .max(1 << 20)
      .default(4096)
      .describe('Largest WebSocket frame a client may send, bytes; a larger one closes the connection.'),
    maxHeaderBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 << 10)
      .default(8 << 10)
      .describe(
        'Largest HTTP request head (request line and headers) on either transport; a larger one is answered 431 HEADERS_TOO_LARGE and closed. On uws, uWS itself closes (without an answer) a head over 4 KiB that arrives in more than one read, or one with more than about 50 headers (server/gateway/transport/header-limit.ts).',
      ),
    idleTimeoutSeconds: z
      .number()
      .int()
      .min(8)
      .max(960)
      .default(120)
      .describe("A connection that sends nothing (no frame, no pong to the automatic pings) for this long is dropped: a departure, with the event's grace."),
    maxBackpressureBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 << 20)
      .default(64 << 10)
      .describe("Unsent bytes the gateway buffers for one connection before it skips that connection's ticks."),
    maxInvalidFrames: z.number().int().min(1).max(1000).default(10).describe('Invalid frames one connection may send before it is closed.'),
    backpressureCloseSeconds: z
      .number()
      .int()
      .min(1)
      .max(600)
      .default(30)
      .describe(
        'A connection whose unsent buffer in the gateway does not empty for this long is closed with 4001 BACKPRESSURE. Past maxBackpressureBytes it misses ticks meanwhile, and a reply that cannot be queued closes it at once.',
      ),
    perIp: IpCaps.default(IpCaps.parse({})).describe(
      'Per client IP address (server/gateway/limits/): generous, because carrier-grade NAT puts thousands of phones behind one.',
    ),
    natRanges: z.array(NatRange).default([]).describe('Known carrier-grade NAT addresses (CIDRs) that get their own, higher caps.'),
    trustProxy: z
      .array(cidr)
      .default([])
      .describe(
        "Addresses (or CIDRs) of reverse proxies in front of the gateway. Only a connection from one of these has its client address taken from `clientAddressHeader`; all others use the socket's.",
      ),
    clientAddressHeader: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, 'a lower-case HTTP header name')
      .default('x-forwarded-for')
      .describe('The header a trusted proxy (trustProxy) puts the client address in; its last untrusted address is taken.'),
    resumesPerTicketPerMinute: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(30)
      .describe('Resumes of one ticket per minute (a token bucket: bursts up to this, then one every 60/n s).'),
    staticDir: z.string().default('dist/client').describe('Where built pages are served from.'),
  })
  .strict();

/**
 * A signed POST per committed booking (docs/webhooks.md, decision 020). Sent from the PostgreSQL
 * bookings outbox, so it needs store.bookingsUrl; the processes with the reservations role send them.
 */
export const WebhookConfig = z
  .object({
    url: z.url().describe("The receiver's URL: every committed booking is POSTed there as JSON, signed (docs/webhooks.md)."),
    secret: z
      .string()
      .refine((value) => value.startsWith('file:') || value.length >= 32, 'at least 32 characters, or file:<path>')
      .describe('The HMAC secret shared with the receiver: at least 32 characters, or `file:<path>` to read it from a file.'),
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
  })
  .strict();

/** A flag from a file (true/false) or the environment ("1"/"0", "true"/"false"). */
// Behind a preprocess or a transform, defaults are `.prefault` (an input value, parsed like one), so that
// z.toJSONSchema, and with it docs/configuration.md, shows them.
const flag = z.preprocess((value) => (value === '1' || value === 'true' ? true : value === '0' || value === 'false' ? false : value), z.boolean());

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

/**
 * Failed operator passwords, counted per account name and per client address
 * across every gateway (through the store). Past its free failures, each
 * further failure locks the counter for `firstLockoutSeconds`, doubled per
 * failure up to `maxLockoutSeconds`; while locked, no password is checked.
 * A counter is forgotten `forgetAfterSeconds` after its last failure; a right
 * password forgets the account's at once.
 */
const SignInThrottleConfig = z
  .object({
    accountFreeFailures: z.number().int().min(1).max(10_000).default(5).describe('Failures of one account name (from anywhere) before its first lockout.'),
    addressFreeFailures: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(20)
      .describe("Failures from one client address (any names) before its first lockout: higher, as an office's operators share one."),
    firstLockoutSeconds: z.number().int().min(1).max(3600).default(30).describe('The first lockout after the free failures; each further failure doubles it.'),
    maxLockoutSeconds: z.number().int().min(1).max(86_400).default(900).describe('The longest lockout, however many failures.'),
    forgetAfterSeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(86_400)
      .describe('A counter is forgotten this long after its last failure.'),
  })
  .strict()
  .refine((throttle) => throttle.firstLockoutSeconds <= throttle.maxLockoutSeconds, {
    path: ['maxLockoutSeconds'],
    message: 'must be at least firstLockoutSeconds',
  })
  .refine((throttle) => throttle.maxLockoutSeconds <= throttle.forgetAfterSeconds, {
    path: ['forgetAfterSeconds'],
    message: 'must be at least maxLockoutSeconds (a lockout would outlive its count)',
  });

/** The operators' HTTP API on the gateway (`/admin/…`). */
export const AdminConfig = z
  .object({
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 << 20)
      .default(1 << 20)
      .describe('Largest request body accepted (an events file), bytes.'),
    sessionTtlSeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 86400)
      .default(12 * 3600)
      .describe('An operator console session ends this long after its last use.'),
    historyStepMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(5000)
      .describe("How often each gateway samples the console's history (kept in the store for 24 hours, one sample per step for the whole deployment)."),
    signInThrottle: SignInThrottleConfig.default(SignInThrottleConfig.parse({})).describe(
      "Failed operator passwords, counted per account name and per client address across every gateway (through the store). Past its free failures, each further failure locks the counter for firstLockoutSeconds, doubled per failure up to maxLockoutSeconds; while locked, no password is checked. A right password forgets the account's count at once.",
    ),
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
