/** The gateway's section of the configuration (server/config/schema.ts): listening, ticks, limits per address and ticket. */
import { z } from 'zod';
import { port, url, origin, cidr } from './schema-fields.js';
import { TurnNoticesConfig } from './turn-notices-schema.js';

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
    recoveriesPerMinute: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10)
      .describe(
        'Recovery codes tried from one address per minute (a token bucket), right or wrong; more get RECOVERY_RATE_LIMITED. A person types one code now and then; guessing needs millions (decision 030).',
      ),
  })
  .strict();
const NatRange = IpCaps.extend({ cidr: cidr.describe('The NAT range: an address or a CIDR block these caps apply to.') }).strict();

/** The hand-off of waiters from a gateway far above its share (server/gateway/rebalance.ts, decision 028). */
const Rebalance = z
  .object({
    enabled: z.boolean().default(true).describe("Hand waiters off while this gateway is far above an even share of all the gateways' connections."),
    marginPercent: z
      .number()
      .min(1)
      .max(500)
      .default(10)
      .describe(
        'A gateway above the even share plus this many percent hands off down to it; while one is below the share by more than this, those above the share hand off down to it. The gateways end within about this margin of even.',
      ),
    movesPerSecond: z
      .number()
      .min(1)
      .max(10_000)
      .default(50)
      .describe(
        'Hand-offs a second of all the gateways together (each of the k gateways above its share moves 1/k of it), so no gateway receives more resumes a second than this from hand-offs, whatever the load balancer does.',
      ),
    settleSeconds: z
      .number()
      .min(0)
      .max(3600)
      .default(30)
      .describe(
        'Hand off only after the set of gateways (which report, which drain) has not changed for this long: during a rolling restart the drains move everyone, and a hand-off would only add moves.',
      ),
  })
  .strict();

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
    rebalance: Rebalance.default(Rebalance.parse({})).describe(
      "A gateway far above an even share of the connections hands waiters to the others slowly, with the drain's MOVING close (decision 028): after a rolling restart or a crash the restarted gateways fill up again.",
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
    recoveryMissesPerEventPerMinute: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(600)
      .describe(
        'Unknown recovery codes tried per event and minute, counted in the store across every gateway; at the limit every attempt for the event waits for the next minute (RECOVERY_RATE_LIMITED). Bounds guessing whatever the number of gateways and addresses: at 600 a minute, a 60-bit code, 6 million live codes and 2 days, about 1 chance in 100,000 that any guess ever hits (decision 030).',
      ),
    resumesPerTicketPerMinute: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(30)
      .describe('Resumes of one ticket per minute (a token bucket: bursts up to this, then one every 60/n s).'),
    staticDir: z.string().default('dist/client').describe('Where built pages are served from.'),
    turnNotices: TurnNoticesConfig.default(TurnNoticesConfig.parse({})).describe(
      'Notices of a near and a come turn that reach people who closed the page: Web Push and a messaging webhook (decision 029).',
    ),
  })
  .strict();
