/**
 * The `ws` transport: pure Node, for machines where the native uWS binary does
 * not load, and the baseline in benchmarks. Same behaviour as uws.ts: topics,
 * a frame-size limit, skipping slow readers on publish, an idle timeout with
 * pings. One difference: an oversized frame is answered with close 1009 here,
 * while uWS drops the connection without a close frame (1006).
 */
import { createServer, type IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { answerAndClose } from '../../answer-and-close.js';
import { PortInUseError } from '../../port-in-use.js';
import { HEADERS_TOO_LARGE_RAW } from './header-limit.js';
import { DEFAULT_MAX_HTTP_BODY_BYTES, hasBody, type Connection, type SendResult, type Transport, type TransportOptions } from './types.js';

class WsConnection implements Connection {
  readonly topics = new Set<string>();
  lastSeen = Date.now();
  constructor(
    readonly id: number,
    readonly socket: WebSocket,
    readonly remoteAddress: string,
    readonly origin: string,
    private readonly maxBackpressure: number,
    private readonly subscriptions: Map<string, Set<WsConnection>>,
  ) {}
  send(bytes: Uint8Array): SendResult {
    if (this.socket.readyState !== this.socket.OPEN) return 'dropped';
    if (this.socket.bufferedAmount > this.maxBackpressure) return 'dropped';
    this.socket.send(bytes, { binary: true });
    return this.socket.bufferedAmount > 0 ? 'buffered' : 'sent';
  }
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }
  subscribe(topic: string): void {
    this.topics.add(topic);
    let members = this.subscriptions.get(topic);
    if (!members) this.subscriptions.set(topic, (members = new Set()));
    members.add(this);
  }
  unsubscribe(topic: string): void {
    this.topics.delete(topic);
    this.subscriptions.get(topic)?.delete(this);
  }
  bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
  return headers;
}

function singleHeader(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The whole body up to `maxBytes`; past it the rest is read and dropped (as uws.ts does). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<{ body: Uint8Array | undefined; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => (size > maxBytes ? resolve({ body: new Uint8Array(0), tooLarge: true }) : resolve({ body: Buffer.concat(chunks), tooLarge: false })));
  });
}

/** Node's own answers to a request its parser refused (with a clientError listener, Node writes none itself). */
const RAW_400 = 'HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n';
const RAW_408 = 'HTTP/1.1 408 Request Timeout\r\nconnection: close\r\n\r\n';

export function createWsTransport(options: TransportOptions): Transport {
  const subscriptions = new Map<string, Set<WsConnection>>();
  const connections = new Set<WsConnection>();
  let nextId = 1;

  const maxBodyBytes = options.maxHttpBodyBytes ?? DEFAULT_MAX_HTTP_BODY_BYTES;
  const server = createServer({ maxHeaderSize: options.maxHeaderBytes }, (req, res) => {
    const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
    const method = req.method ?? 'GET';
    const read = hasBody(method) ? readBody(req, maxBodyBytes) : (req.resume(), Promise.resolve({ body: undefined, tooLarge: false }));
    read
      .then(({ body, tooLarge }) =>
        options.http({ method, path, query, headers: headersOf(req), remoteAddress: req.socket.remoteAddress ?? '', body, bodyTooLarge: tooLarge }),
      )
      .then(
        // Content-Length as uWS sends it (Node would chunk a body given to writeHead's response); none on a 304.
        (response) =>
          res
            .writeHead(
              response.status,
              response.status === 304 ? response.headers : { 'content-length': Buffer.byteLength(response.body), ...response.headers },
            )
            .end(response.body),
        () => res.writeHead(500).end('internal error'),
      );
  });
  // What Node's parser refuses never reaches the handler: a head over maxHeaderBytes gets the same 431 as on uws; anything else Node's own answer.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    answerAndClose(socket, error.code === 'HPE_HEADER_OVERFLOW' ? HEADERS_TOO_LARGE_RAW : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? RAW_408 : RAW_400);
  });
  /** The address each admitted upgrade counts under, from verifyClient to the connection. */
  const clientAddresses = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    server,
    path: options.wsPath,
    maxPayload: options.maxFrameBytes,
    perMessageDeflate: false,
    // The same Origin rule and client admission as uws.ts, answered before the upgrade.
    verifyClient: ({ req }, done) => {
      if (options.allowUpgrade && !options.allowUpgrade(req.headers.origin, req.headers.host)) return done(false, 403, 'Forbidden');
      const socketAddress = req.socket.remoteAddress ?? '';
      const admission = options.admitClient?.(socketAddress, (name) => singleHeader(req, name)) ?? { ok: true, address: socketAddress };
      if (!admission.ok) {
        const { status, headers, body } = admission.response;
        return done(false, status, Buffer.from(body).toString(), headers);
      }
      clientAddresses.set(req, admission.address);
      done(true);
    },
  });

  wss.on('connection', (socket, request) => {
    const connection = new WsConnection(
      nextId++,
      socket,
      clientAddresses.get(request) ?? request.socket.remoteAddress ?? '',
      request.headers.origin ?? '',
      options.maxBackpressureBytes,
      subscriptions,
    );
    connections.add(connection);
    socket.on('message', (data) => {
      connection.lastSeen = Date.now();
      options.sockets.message(connection, Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
    });
    socket.on('pong', () => (connection.lastSeen = Date.now()));
    socket.on('error', () => socket.terminate());
    socket.on('close', (code) => {
      connections.delete(connection);
      for (const topic of connection.topics) subscriptions.get(topic)?.delete(connection);
      options.sockets.close(connection, code);
    });
    options.sockets.open(connection);
  });

  // Idle timeout as uWS does it: ping at half the timeout, drop those silent for the whole of it.
  const idleMs = options.idleTimeoutSeconds * 1000;
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const connection of connections) {
      if (now - connection.lastSeen > idleMs) connection.socket.terminate();
      else connection.socket.ping();
    }
  }, idleMs / 2);
  sweeper.unref();

  return {
    name: 'ws',
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        const fail = (error: NodeJS.ErrnoException) =>
          reject(error.code === 'EADDRINUSE' ? new PortInUseError('the gateway (ws transport)', host, port) : error);
        server.once('error', fail);
        // ws re-emits the server's errors on the WebSocketServer, where an unheard one would crash the process.
        wss.once('error', fail);
        server.listen(port, host, () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    publish: (topic, bytes) => {
      const members = subscriptions.get(topic);
      if (!members) return;
      for (const connection of members) connection.send(bytes);
    },
    close: async (code, reason) => {
      clearInterval(sweeper);
      for (const connection of connections) connection.close(code, reason);
      await new Promise<void>((resolve) => {
        wss.close(() => resolve());
        server.close();
        server.closeAllConnections();
      });
    },
  };
}
