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
    /** Open WebSocket connections from one address; more are refused at the upgrade with HTTP 429. */
    maxConnections: z.number().int().min(1).max(1_000_000).default(2000),
    /** Joins from one address per minute (a token bucket); more get RATE_LIMITED. Loose: the device is the real limit (decision 008). */
    joinsPerMinute: z.number().int().min(1).max(1_000_000).default(600),
    /**
     * Of those, joins without a device key (the SDK and the page always send one, so these are other clients):
     * a bucket of their own, far smaller; a keyless join takes from both (decision 008).
     */
    keylessJoinsPerMinute: z.number().int().min(1).max(1_000_000).default(10),
  })
  .strict();
const NatRange = IpCaps.extend({ cidr }).strict();

export const GatewayConfig = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: port.default(8080),
    /** uws (native uWebSockets.js) or ws (pure Node; slower, for where the native binary cannot load). */
    transport: z.enum(['uws', 'ws']).default('uws'),
    /** The origin browsers reach the gateway at. */
    publicUrl: url.optional(),
    /**
     * Origins of other sites whose pages may open the WebSocket (sites that embed
     * the SDK). The gateway's own origin and clients that send no Origin (not
     * browsers) are always allowed; any other browser origin is refused at the upgrade.
     */
    allowedOrigins: z.array(origin).default([]),
    tickMs: z.coerce.number().int().min(20).max(1000).default(1000),
    /**
     * On SIGTERM the node stops being ready and moves its clients to the other
     * nodes over this many seconds (connections/drainSeconds resumes a second
     * elsewhere), then exits; 0 closes them all at once (decision 023).
     */
    drainSeconds: z.coerce.number().min(0).max(600).default(30),
    /** Joins arriving within this window share one store round trip. */
    joinBatchMs: z.coerce.number().int().min(0).max(50).default(2),
    maxFrameBytes: z
      .number()
      .int()
      .min(256)
      .max(1 << 20)
      .default(4096),
    /**
     * Largest HTTP request head (request line and headers) on either transport; a larger one is answered 431
     * HEADERS_TOO_LARGE and closed. On uws, uWS itself closes (without an answer) a head over 4 KiB that arrives in
     * more than one read, or one with more than about 50 headers (server/gateway/transport/header-limit.ts).
     */
    maxHeaderBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 << 10)
      .default(8 << 10),
    /** A connection that sends nothing (no frame, no pong to the automatic pings) for this long is dropped: a departure, with the event's grace. */
    idleTimeoutSeconds: z.number().int().min(8).max(960).default(120),
    maxBackpressureBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 << 20)
      .default(64 << 10),
    /** Invalid frames one connection may send before it is closed. */
    maxInvalidFrames: z.number().int().min(1).max(1000).default(10),
    /**
     * A connection whose unsent buffer in the gateway does not empty for this long is closed with
     * 4001 BACKPRESSURE. Past maxBackpressureBytes it misses ticks meanwhile, and a reply that cannot be queued closes it at once.
     */
    backpressureCloseSeconds: z.number().int().min(1).max(600).default(30),
    /** Per client IP address (server/gateway/limits/): generous, because carrier-grade NAT puts thousands of phones behind one. */
    perIp: IpCaps.default(IpCaps.parse({})),
    /** Known carrier-grade NAT addresses (CIDRs) that get their own, higher caps. */
    natRanges: z.array(NatRange).default([]),
    /**
     * Addresses (or CIDRs) of reverse proxies in front of the gateway. Only a connection from one of
     * these has its client address taken from `clientAddressHeader`; all others use the socket's.
     */
    trustProxy: z.array(cidr).default([]),
    clientAddressHeader: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, 'a lower-case HTTP header name')
      .default('x-forwarded-for'),
    /** Resumes of one ticket per minute (a token bucket: bursts up to this, then one every 60/n s). */
    resumesPerTicketPerMinute: z.number().int().min(1).max(10_000).default(30),
    /** Where built pages are served from. */
    staticDir: z.string().default('dist/client'),
  })
  .strict();

export const ReservationsConfig = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: port.default(8081),
    publicUrl: url.optional(),
    /**
     * Browser origins allowed to call the API (CORS). When empty, the origin of
     * a gateway in the same process; a standalone reservation handler must list them.
     */
    allowedOrigins: z.array(z.string()).default([]),
    maxBodyBytes: z
      .number()
      .int()
      .min(512)
      .max(1 << 20)
      .default(8192),
    /**
     * Time a connection has to send a request's whole header, from its first byte (or from the connection);
     * a slower sender (slowloris) is answered 408 REQUEST_TIMEOUT and closed. Node's default is 60 s.
     */
    headersTimeoutMs: z.number().int().min(200).max(120_000).default(10_000),
    /** Time for a whole request, body included (at least headersTimeoutMs). */
    requestTimeoutMs: z.number().int().min(200).max(600_000).default(30_000),
    /** An idle keep-alive connection is closed after this. */
    keepAliveTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
    /**
     * Open connections the handler holds at most; one more is closed as soon as it is accepted.
     * Only admitted people book (gateway `maxActive`), a few connections each: the default leaves room for
     * thousands of bookers while bounding what slow connections can hold.
     */
    maxConnections: z.number().int().min(1).max(1_000_000).default(10_000),
  })
  .strict()
  .refine((reservations) => reservations.headersTimeoutMs <= reservations.requestTimeoutMs, {
    path: ['headersTimeoutMs'],
    message: 'headersTimeoutMs must not exceed requestTimeoutMs (the header is part of the request)',
  });

export const StoreConfig = z
  .object({
    kind: z.enum(['memory', 'redis']).default('memory'),
    redisUrl: z.string().default('redis://127.0.0.1:6379'),
    /** Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES: comma-separated URLs); when set, redisUrl is not used. */
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
      .default([]),
    /** Prefix of every Redis key; tests use a unique one each. */
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_:-]{1,32}$/)
      .default('wr'),
    /**
     * Keep bookings in PostgreSQL (BOOKINGS_URL=postgres://…) instead of the
     * queue store; the queue stays where `kind` says. Apply the schema first
     * with `npm run migrate` (docs/decisions/017-postgres-bookings.md).
     */
    bookingsUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
      .optional(),
  })
  .strict();

/** A flag from a file (true/false) or the environment ("1"/"0", "true"/"false"). */
const flag = z.preprocess((value) => (value === '1' || value === 'true' ? true : value === '0' || value === 'false' ? false : value), z.boolean());

export const BookingsConfig = z
  .object({
    /**
     * Start the reservation handler on a Redis that does not run `appendonly yes`
     * with `appendfsync always` (WAITROOM_ALLOW_UNSAFE_DURABILITY=1): a crash can
     * then lose bookings already confirmed. For tests and benchmarks only; logged
     * as a warning at every start (server/store/redis/durability.ts).
     */
    allowUnsafeDurability: flag.default(false),
  })
  .strict();

export const KeysConfig = z
  .object({
    grant: z
      .object({
        current: kid,
        /** Ed25519 private keys (PKCS#8 PEM) by key id; gateways need the current one. */
        privateKeys: z.record(kid, keyText).default({}),
        /** Ed25519 public keys (SPKI PEM) by key id; the reservation handler needs these only. */
        publicKeys: z.record(kid, keyText).default({}),
        /** Or a JWKS URL to take them from (a gateway's `/.well-known/jwks.json`); then publicKeys and privateKeys are not read for verifying. */
        jwksUrl: z.string().url().optional(),
      })
      .strict(),
    /** Gateways need these; the reservation handler does not. */
    ticket: z
      .object({
        current: kid,
        /** HMAC secrets (base64, at least 32 bytes; or `file:<path>`) by key id. */
        secrets: z.record(kid, z.string().min(1)),
      })
      .strict()
      .optional(),
  })
  .strict();

export const ControllerConfig = z
  .object({
    enabled: z.boolean().default(true),
    /** A dead controller's lease runs out after this; the next step elsewhere takes over (within leaseMs + one tick). */
    leaseMs: z.number().int().min(500).max(60_000).default(3000),
    /** A gateway silent (no heartbeat) for this long is dead: its waiters stop counting as ahead after the grace period. */
    nodeTimeoutMs: z.number().int().min(1000).max(600_000).default(5000),
    maxStepsPerTick: z.number().int().min(1).max(100_000).default(5000),
    /** A standalone controller's probe port (/livez, /readyz, /metrics); none when unset, any free one when 0. */
    port: port.optional(),
    host: z.string().default('127.0.0.1'),
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
    /** Failures of one account name (from anywhere) before its first lockout. */
    accountFreeFailures: z.number().int().min(1).max(10_000).default(5),
    /** Failures from one client address (any names) before its first lockout: higher, as an office's operators share one. */
    addressFreeFailures: z.number().int().min(1).max(10_000).default(20),
    firstLockoutSeconds: z.number().int().min(1).max(3600).default(30),
    maxLockoutSeconds: z.number().int().min(1).max(86_400).default(900),
    forgetAfterSeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(86_400),
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
    /** Largest request body accepted (an events file), bytes. */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 << 20)
      .default(1 << 20),
    /** An operator console session ends this long after its last use. */
    sessionTtlSeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 86400)
      .default(12 * 3600),
    /** How often each gateway samples the console's history (one hour of samples is kept). */
    historyStepMs: z.number().int().min(100).max(60_000).default(5000),
    signInThrottle: SignInThrottleConfig.default(SignInThrottleConfig.parse({})),
  })
  .strict();

export const WaitroomConfig = z
  .object({
    nodeId: z.string().min(1).max(64).default(`node-${process.pid}`),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    gateway: GatewayConfig.default(GatewayConfig.parse({})),
    reservations: ReservationsConfig.default(ReservationsConfig.parse({})),
    store: StoreConfig.default(StoreConfig.parse({})),
    bookings: BookingsConfig.default(BookingsConfig.parse({})),
    controller: ControllerConfig.default(ControllerConfig.parse({})),
    keys: KeysConfig,
    events: z.array(EventConfig).min(1, 'configure at least one event'),
    /** A file `{ "events": [ … ] }` to take the events from (EVENTS_FILE), instead of `events`; load.ts reads it into `events`. */
    eventsFile: z.string().min(1).optional(),
    /** Who may use the admin API (and the operator console); none by default. */
    operators: z.array(OperatorAccount).default([]),
    /** Append one JSON line per audited action here (AUDIT_LOG_FILE); without it, entries go to the process log only. */
    auditLogFile: z.string().min(1).optional(),
    admin: AdminConfig.default(AdminConfig.parse({})),
  })
  .strict()
  .superRefine((config, ctx) => {
    reportDuplicates(config.events, 'events', ctx);
    reportDuplicateNames(config.operators, ctx);
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
