/**
 * The uWebSockets.js transport: the only file that imports uWS.
 *
 * The npm build we depend on silently falls back to a slow pure-Node emulation
 * when its native binary does not load; we load the native binary ourselves
 * and refuse without it: `auto` (index.ts) then takes ws, `uws` refuses to start.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import type * as Uws from 'uWebSockets.js';
import { PortInUseError } from '../../port-in-use.js';
import { headBytes, headersTooLarge } from './header-limit.js';
import {
  DEFAULT_MAX_HTTP_BODY_BYTES,
  hasBody,
  type Connection,
  type HttpRequest,
  type HttpResponse,
  type SendResult,
  type Transport,
  type TransportOptions,
} from './types.js';

type UwsModule = typeof Uws;

/** Where the way to the native transport on a current Node is written down. */
export const NATIVE_TRANSPORT_DOC = 'docs/operations.md, "Node versions and the native transport"';

/** The native uWS binary does not load for this Node and platform (code NATIVE_UWS_UNAVAILABLE). */
export class NativeUwsUnavailableError extends Error {
  readonly code = 'NATIVE_UWS_UNAVAILABLE';
  /** What did not load and why, without the advice. */
  readonly reason: string;
  constructor(reason: string) {
    super(
      `${reason}; refusing the slow pure-Node fallback of the uWebSockets.js package. ` +
        `Set TRANSPORT=auto (the default) or ws to run on the ws transport instead, or see ${NATIVE_TRANSPORT_DOC} for the native binary on this Node.`,
    );
    this.reason = reason;
  }
}

let loaded: UwsModule | null = null;

const require = createRequire(import.meta.url);

/** This platform's and Node ABI's native binary, by the package's naming. */
const binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;

/**
 * The file the installed uWebSockets.js package holds the native binary for this Node in: binaries/ in the npm
 * build of package.json, the package root in upstream's releases (github:uNetworking/uWebSockets.js#v20.N.0).
 */
export function nativeUwsBinaryPath(): string {
  const packageDir = dirname(require.resolve('uWebSockets.js/package.json'));
  const places = [join(packageDir, 'binaries', binary), join(packageDir, binary)];
  return places.find((place) => existsSync(place)) ?? places[0]!;
}

/** Loads the native uWS binary for this platform and Node ABI, or throws NativeUwsUnavailableError. */
export function loadNativeUws(): UwsModule {
  if (loaded) return loaded;
  try {
    loaded = require(nativeUwsBinaryPath()) as UwsModule;
    return loaded;
  } catch (error) {
    throw new NativeUwsUnavailableError(
      `the native uWebSockets.js binary ${binary} does not load on Node ${process.version} here (${(error as Error).message.split('\n')[0]})`,
    );
  }
}

interface UserData {
  connection: UwsConnection | null;
  remoteAddress: string;
  origin: string;
}

/** How long a gateway keeps trying to listen on a port still held by its previous run's connections. */
const LISTEN_RETRY_MS = 70_000;

/** How long a stopping gateway waits for its WebSocket close handshakes before closing every socket. */
const CLOSE_DRAIN_MS = 1000;

/** Does something accept connections on host:port? (A port held only by TIME_WAIT connections does not.) */
function liveListenerOn(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ host: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port });
    probe.once('connect', () => (probe.destroy(), resolve(true)));
    probe.once('error', () => resolve(false));
  });
}

/** uWS ListenOptions: listen without SO_REUSEPORT (the enum is in its type definitions, not in its module). */
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;

type ExclusiveListen = (host: string, port: number, options: number, cb: (socket: Uws.us_listen_socket | false) => void) => void;

const SEND_RESULT: Record<number, SendResult> = { 0: 'buffered', 1: 'sent', 2: 'dropped' };

const FORBIDDEN_ORIGIN = JSON.stringify({ error: { code: 'BAD_ORIGIN', message: 'pages of this origin may not connect here (gateway.allowedOrigins)' } });

class UwsConnection implements Connection {
  closed = false;
  constructor(
    readonly id: number,
    private readonly ws: Uws.WebSocket<UserData>,
    readonly remoteAddress: string,
    readonly origin: string,
  ) {}
  send(bytes: Uint8Array): SendResult {
    if (this.closed) return 'dropped';
    return SEND_RESULT[this.ws.send(bytes, true, false)] ?? 'dropped';
  }
  close(code: number, reason: string): void {
    if (!this.closed) this.ws.end(code, reason);
  }
  subscribe(topic: string): void {
    if (!this.closed) this.ws.subscribe(topic);
  }
  unsubscribe(topic: string): void {
    if (!this.closed) this.ws.unsubscribe(topic);
  }
  bufferedAmount(): number {
    return this.closed ? 0 : this.ws.getBufferedAmount();
  }
}

function writeResponse(res: Uws.HttpResponse, response: HttpResponse, closeConnection = false): void {
  res.cork(() => {
    res.writeStatus(`${response.status} ${STATUS_CODES[response.status] ?? ''}`);
    for (const [name, value] of Object.entries(response.headers ?? {})) res.writeHeader(name, value);
    res.end(response.body, closeConnection);
  });
}

/** The request's headers in order, duplicates kept. */
function headerList(req: Uws.HttpRequest): [string, string][] {
  const headers: [string, string][] = [];
  req.forEach((name, value) => headers.push([name, value]));
  return headers;
}

/** Whether the request's head is over `limit` bytes (what uWS let through; its own limits close silently, header-limit.ts). */
function headOver(req: Uws.HttpRequest, headers: Iterable<[string, string]>, limit: number): boolean {
  const query = req.getQuery();
  return headBytes(req.getCaseSensitiveMethod(), query ? `${req.getUrl()}?${query}` : req.getUrl(), headers) > limit;
}

export function createUwsTransport(options: TransportOptions): Transport {
  const uws = loadNativeUws();
  const app = uws.App();
  const connections = new Set<UwsConnection>();
  let listenSocket: Uws.us_listen_socket | null = null;
  let nextId = 1;

  app.ws<UserData>(options.wsPath, {
    compression: uws.DISABLED,
    maxPayloadLength: options.maxFrameBytes,
    idleTimeout: options.idleTimeoutSeconds,
    maxBackpressure: options.maxBackpressureBytes,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      // Everything needed from req is copied now: req is invalid after this call returns.
      if (headOver(req, headerList(req), options.maxHeaderBytes)) return writeResponse(res, headersTooLarge, true);
      const origin = req.getHeader('origin');
      if (options.allowUpgrade && !options.allowUpgrade(origin || undefined, req.getHeader('host') || undefined)) {
        writeResponse(res, { status: 403, headers: { 'content-type': 'application/json' }, body: FORBIDDEN_ORIGIN });
        return;
      }
      const socketAddress = Buffer.from(res.getRemoteAddressAsText()).toString();
      const admission = options.admitClient?.(socketAddress, (name) => req.getHeader(name) || undefined) ?? { ok: true, address: socketAddress };
      if (!admission.ok) {
        writeResponse(res, admission.response);
        return;
      }
      const userData: UserData = { connection: null, remoteAddress: admission.address, origin };
      res.upgrade(userData, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws) => {
      const data = ws.getUserData();
      const connection = new UwsConnection(nextId++, ws, data.remoteAddress, data.origin);
      data.connection = connection;
      connections.add(connection);
      options.sockets.open(connection);
    },
    message: (ws, message) => {
      const connection = ws.getUserData().connection;
      // The ArrayBuffer is neutered after this callback: copy it.
      if (connection) options.sockets.message(connection, new Uint8Array(message.slice(0)));
    },
    close: (ws, code) => {
      const connection = ws.getUserData().connection;
      if (!connection) return;
      connection.closed = true;
      connections.delete(connection);
      options.sockets.close(connection, code);
    },
  });

  const maxBodyBytes = options.maxHttpBodyBytes ?? DEFAULT_MAX_HTTP_BODY_BYTES;
  app.any('/*', (res, req) => {
    let aborted = false;
    res.onAborted(() => (aborted = true));
    const list = headerList(req);
    if (headOver(req, list, options.maxHeaderBytes)) return writeResponse(res, headersTooLarge, true);
    const headers: Record<string, string> = Object.fromEntries(list);
    const remoteAddress = Buffer.from(res.getRemoteAddressAsText()).toString();
    const request: HttpRequest = { method: req.getCaseSensitiveMethod(), path: req.getUrl(), query: req.getQuery() ?? '', headers, remoteAddress };
    const handle = () =>
      options.http(request).then(
        (response) => !aborted && writeResponse(res, response),
        () => !aborted && writeResponse(res, { status: 500, body: 'internal error' }),
      );
    // uWS calls onData only when a body follows; it must be registered before this callback returns.
    const declared = headers['content-length'];
    if (!hasBody(request.method) || declared === '0' || (declared === undefined && headers['transfer-encoding'] === undefined)) {
      void handle();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.onData((chunk, isLast) => {
      size += chunk.byteLength;
      // The ArrayBuffer is neutered after this callback: copy what is kept. Past the limit the rest is dropped.
      if (size <= maxBodyBytes) chunks.push(Buffer.from(chunk.slice(0)));
      if (!isLast) return;
      if (size > maxBodyBytes) request.bodyTooLarge = true;
      else request.body = Buffer.concat(chunks);
      void handle();
    });
  });

  return {
    name: 'uws',
    listen: async (host, port) => {
      // uWS does not set SO_REUSEADDR: a gateway restarted on its port cannot bind while connections of its
      // previous run are in TIME_WAIT (up to 60 s on Linux). Keep trying rather than fail the restart.
      const giveUpAt = Date.now() + (port === 0 ? 0 : LISTEN_RETRY_MS);
      for (;;) {
        // Exclusive: without it uWS sets SO_REUSEPORT and a second gateway on a taken port shares it, answering alternately.
        // The native listen takes (host, port, options, cb), though the type definitions lack that overload.
        const listen = app.listen.bind(app) as unknown as ExclusiveListen;
        const socket = await new Promise<Uws.us_listen_socket | false>((resolve) => listen(host, port, LIBUS_LISTEN_EXCLUSIVE_PORT, resolve));
        if (socket) {
          listenSocket = socket;
          return uws.us_socket_local_port(socket);
        }
        // A live listener will not go away by waiting (unlike TIME_WAIT): fail at once, naming the port.
        if (port !== 0 && (await liveListenerOn(host, port))) throw new PortInUseError('the gateway (uws transport)', host, port);
        if (Date.now() >= giveUpAt)
          throw new Error(`uWS could not listen on ${host}:${port}${port === 0 ? '' : ` (still in use after ${LISTEN_RETRY_MS / 1000} s)`}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    },
    publish: (topic, bytes) => {
      app.publish(topic, bytes, true, false);
    },
    close: async (code, reason) => {
      if (listenSocket) uws.us_listen_socket_close(listenSocket);
      listenSocket = null;
      for (const connection of [...connections]) connection.close(code, reason);
      // Give the close frames a moment to leave, then close what is left, HTTP keep-alive connections included:
      // closing the listening socket alone leaves them answering requests after the gateway has stopped.
      const until = Date.now() + CLOSE_DRAIN_MS;
      while (connections.size > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
      // close() is in uWS's runtime though not in its type definitions.
      (app as unknown as { close?: () => void }).close?.();
    },
  };
}
