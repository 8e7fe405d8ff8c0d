/**
 * What the gateway needs from a WebSocket server, and nothing more. The uWS
 * adapter (uws.ts, the only file that imports uWebSockets.js) and the ws
 * adapter (ws.ts) implement it and pass one conformance suite.
 */

export type SendResult = 'sent' | 'buffered' | 'dropped';

export interface Connection {
  readonly id: number;
  /** Remote IP address as text, copied at upgrade. */
  readonly remoteAddress: string;
  /** Origin header at upgrade ('' when absent). */
  readonly origin: string;
  send(bytes: Uint8Array): SendResult;
  /** Close with a WebSocket close code and a short reason (≤ 120 bytes). */
  close(code: number, reason: string): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Bytes queued for this connection and not yet written to the socket. */
  bufferedAmount(): number;
}

export interface SocketHandlers {
  open(connection: Connection): void;
  message(connection: Connection, bytes: Uint8Array): void;
  /** After the connection is gone; `code` is the close code seen (1006 when none). */
  close(connection: Connection, code: number): void;
}

export interface HttpRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  headers: Readonly<Record<string, string>>;
  /** The socket's remote address: the client's, or a proxy's (gateway/limits/client-address.ts tells which). */
  remoteAddress: string;
  /** The body of a request other than GET/HEAD, read whole up to maxHttpBodyBytes (empty otherwise). */
  body?: Uint8Array;
  /** The body exceeded maxHttpBodyBytes: it was read and dropped, `body` is empty; answer 413. */
  bodyTooLarge?: boolean;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Uint8Array;
}

export type HttpHandler = (request: HttpRequest) => Promise<HttpResponse>;

export interface TransportLimits {
  maxFrameBytes: number;
  /** Largest request head (request line and headers); larger ones get 431 and are closed (header-limit.ts). */
  maxHeaderBytes: number;
  idleTimeoutSeconds: number;
  maxBackpressureBytes: number;
}

export interface TransportOptions extends TransportLimits {
  /** Path of the WebSocket endpoint. */
  wsPath: string;
  sockets: SocketHandlers;
  http: HttpHandler;
  /**
   * Whether a WebSocket upgrade may proceed, from its Origin and Host headers
   * (undefined when absent); refused upgrades get HTTP 403. Without it, all may.
   */
  allowUpgrade?(origin: string | undefined, host: string | undefined): boolean;
  /**
   * Who the client is and whether it may connect now, asked at each upgrade the
   * Origin rule let through; the address becomes `Connection.remoteAddress`. A
   * refused upgrade gets `response` (HTTP 429) and no WebSocket. Without it:
   * the socket's address, always admitted.
   */
  admitClient?(socketAddress: string, header: (name: string) => string | undefined): ClientAdmission;
  /** Largest HTTP request body kept for the handler (default 64 KiB). */
  maxHttpBodyBytes?: number;
}

export type ClientAdmission = { ok: true; address: string } | { ok: false; response: HttpResponse };

export const DEFAULT_MAX_HTTP_BODY_BYTES = 64 << 10;

/** Whether the transport reads a body for this method (GET and HEAD carry none worth reading). */
export function hasBody(method: string): boolean {
  const upper = method.toUpperCase();
  return upper !== 'GET' && upper !== 'HEAD';
}

export interface Transport {
  readonly name: 'uws' | 'ws';
  /** Starts listening; resolves with the bound port (pass 0 for any free port). */
  listen(host: string, port: number): Promise<number>;
  /** Sends one frame to every connection subscribed to `topic`, skipping those over the backpressure limit. */
  publish(topic: string, bytes: Uint8Array): void;
  /** Stops listening and closes every connection with `code`. */
  close(code: number, reason: string): Promise<void>;
}

export type TransportFactory = (options: TransportOptions) => Transport;
