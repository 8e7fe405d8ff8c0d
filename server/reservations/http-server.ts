/**
 * The reservation handler over HTTP (node:http):
 *
 *     POST /api/events/:eventId/bookings     GET /api/events/:eventId/availability
 *     GET  /healthz                          GET /metrics
 *
 * Every refusal is `{ error: { code, message } }` with BOOKING_ERROR_STATUS[code].
 * Slow or idle connections are bounded by time (`ConnectionLimits`) and in
 * number (`maxConnections`), so slow senders cannot hold the handler.
 */
import { LIVEZ_PATH, probe, READYZ_PATH } from '../health/probes.js';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { BOOKING_ERROR_STATUS, type BookingErrorCode } from '../../shared/booking/api.js';
import { answerAndClose } from '../answer-and-close.js';
import type { Logger } from '../observability/log.js';
import type { ReservationMetrics } from '../observability/metrics.js';
import type { BookingService, ServiceResult } from './booking-service.js';

/** reservations.* in server/config/schema.ts; headersTimeoutMs ≤ requestTimeoutMs. */
export interface ConnectionLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

export interface ReservationHttpOptions {
  service: BookingService;
  allowedOrigins: readonly string[];
  maxBodyBytes: number;
  connections: ConnectionLimits;
  storeHealthy: () => Promise<boolean>;
  /** Can take new bookings now (the store serves some live event, not draining): GET /readyz. */
  ready: () => Promise<boolean>;
  registry: Registry;
  metrics: ReservationMetrics;
  log: Logger;
}

class RequestError extends Error {
  constructor(
    readonly code: BookingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** How often, at most, Node looks for connections past their header or request timeout. */
const CHECK_EVERY_MS = 1000;

type ClientErrorCode = Extract<BookingErrorCode, 'BAD_REQUEST' | 'HEADERS_TOO_LARGE' | 'REQUEST_TIMEOUT'>;

/** Node's clientError codes, as the API's. */
const CLIENT_ERROR_CODE: Readonly<Record<string, ClientErrorCode>> = {
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
};

const CLIENT_ERROR_MESSAGE: Readonly<Record<ClientErrorCode, string>> = {
  BAD_REQUEST: 'the request is not valid HTTP',
  HEADERS_TOO_LARGE: 'the request headers are too large',
  REQUEST_TIMEOUT: 'the request did not arrive in time (reservations.headersTimeoutMs / requestTimeoutMs)',
};

const BOOKINGS = /^\/api\/events\/([a-z0-9][a-z0-9-]{0,63})\/bookings$/;
const AVAILABILITY = /^\/api\/events\/([a-z0-9][a-z0-9-]{0,63})\/availability$/;

function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    return Promise.reject(new RequestError('UNSUPPORTED_MEDIA_TYPE', 'send the booking as application/json'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      const wasWithin = size <= maxBytes;
      size += chunk.length;
      // Past the limit the rest is read and dropped; the reply closes the connection.
      if (size <= maxBytes) chunks.push(chunk);
      else if (wasWithin) reject(new RequestError('BODY_TOO_LARGE', `the body exceeds ${maxBytes} bytes`));
    });
    req.on('error', reject);
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new RequestError('INVALID_JSON', 'the body is not valid JSON'));
      }
    });
  });
}

/** A booking answer's status as the histogram's outcome label (four values). */
function bookingOutcome(status: number): string {
  if (status === 201) return 'booked';
  if (status < 300) return 'repeated';
  return status < 500 ? 'refused' : 'failed';
}

export function createReservationServer(options: ReservationHttpOptions): Server {
  const { service, metrics } = options;

  function cors(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (!options.allowedOrigins.includes(origin)) return false;
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
    return true;
  }

  function send(res: ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(value));
  }

  function refuse(res: ServerResponse, code: BookingErrorCode, message: string): void {
    metrics.errors.inc({ code });
    if (code === 'BODY_TOO_LARGE') res.setHeader('connection', 'close');
    send(res, BOOKING_ERROR_STATUS[code], { error: { code, message } });
  }

  function reply<T>(res: ServerResponse, result: ServiceResult<T>): void {
    if (result.ok) send(res, result.status, result.value);
    else refuse(res, result.code, result.message);
  }

  /** Observes waitroom_booking_duration_seconds once the answer is sent (or the client went first), whichever path answered. */
  function timeBooking(res: ServerResponse): void {
    const stopTimer = metrics.bookingSeconds.startTimer();
    res.once('close', () => stopTimer({ outcome: res.writableFinished ? bookingOutcome(res.statusCode) : 'aborted' }));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if (req.headers.host === undefined && req.httpVersion === '1.1') return refuse(res, 'BAD_REQUEST', 'an HTTP/1.1 request needs a Host header');
    const originAllowed = cors(req, res);
    if (req.method === 'OPTIONS') {
      if (!originAllowed) return refuse(res, 'ORIGIN_NOT_ALLOWED', 'this origin may not call the booking API');
      res
        .writeHead(204, { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' })
        .end();
      return;
    }
    const booking = BOOKINGS.exec(path);
    if (booking) {
      timeBooking(res);
      if (req.method !== 'POST') return refuse(res, 'METHOD_NOT_ALLOWED', 'POST a booking');
      if (!originAllowed) return refuse(res, 'ORIGIN_NOT_ALLOWED', 'this origin may not call the booking API');
      const result = await service.book(booking[1]!, await readJson(req, options.maxBodyBytes));
      if (result.ok && result.status === 201) metrics.bookings.inc({ event: booking[1]! });
      return reply(res, result);
    }
    if (req.method !== 'GET') return refuse(res, 'METHOD_NOT_ALLOWED', 'GET only');
    const availability = AVAILABILITY.exec(path);
    if (availability) return reply(res, await service.availability(availability[1]!));
    if (path === LIVEZ_PATH || path === READYZ_PATH) {
      const { status, headers, body } = probe(path === LIVEZ_PATH || (await options.ready()));
      res.writeHead(status, headers).end(body);
      return;
    }
    // Deprecated (docs/operations.md) in favour of /livez and /readyz.
    if (path === '/healthz') {
      const healthy = await options.storeHealthy();
      return send(res, healthy ? 200 : 503, { status: healthy ? 'ok' : 'degraded', store: { reachable: healthy } });
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': options.registry.contentType }).end(await options.registry.metrics());
      return;
    }
    refuse(res, 'NOT_FOUND', `no route ${path}`);
  }

  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections } = options.connections;
  // Node would refuse a missing Host with an empty 400 of its own; route() refuses it in the API's shape.
  const server = createServer(
    {
      requireHostHeader: false,
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      // Node checks the two timeouts only this often (30 s by default): often enough that a slow sender goes in time.
      connectionsCheckingInterval: Math.min(CHECK_EVERY_MS, Math.ceil(headersTimeoutMs / 4)),
    },
    (req, res) => {
      route(req, res).catch((error: unknown) => {
        if (res.headersSent) return;
        if (error instanceof RequestError) return refuse(res, error.code, error.message);
        // The store failed mid-request: nothing was committed (the commit is one atomic step).
        options.log.warn({ err: error }, 'booking request failed');
        refuse(res, 'STORE_UNAVAILABLE', 'the booking system is temporarily unavailable; nothing was booked; retry');
      });
    },
  );
  // Past the cap Node closes each new connection as soon as it is accepted (its 'drop' event).
  server.maxConnections = maxConnections;
  // Bytes that are not HTTP never reach route(), nor does a request too slow to arrive: answer them in the API's own shape too, then close.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const code = CLIENT_ERROR_CODE[error.code ?? ''] ?? 'BAD_REQUEST';
    metrics.errors.inc({ code });
    const body = JSON.stringify({ error: { code, message: CLIENT_ERROR_MESSAGE[code] } });
    const status = BOOKING_ERROR_STATUS[code];
    answerAndClose(
      socket,
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}
