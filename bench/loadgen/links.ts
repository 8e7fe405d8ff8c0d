/**
 * One connection as the load generator sees it, over either transport: the
 * minimal `node:net` client or the `ws` package. Handlers are shared by every
 * connection (no per-connection closures); each link points at its owner.
 */
import WebSocket from 'ws';
import type { LoadTransport } from './messages.js';
import { MinimalWs } from './minimal-ws.js';

export interface Link<T> {
  owner: T;
  send(data: Uint8Array): void;
  /** One text message (a peer's JSON protocol). */
  sendText(text: string): void;
  /** Close handshake; `close` follows. */
  close(code?: number): void;
  /** Drop now (reset: RST, no TIME_WAIT); `close` follows. */
  destroy(reset?: boolean): void;
}

export interface LinkHandler<T> {
  open(link: Link<T>): void;
  /** `data` is valid only during the call. */
  message(link: Link<T>, data: Buffer): void;
  /** `code`: the server's close code, or 1005/1006; `error`: why the connection failed, if it did. */
  close(link: Link<T>, code: number, error: string | null): void;
}

export interface ConnectOptions {
  localAddress?: string;
  timeoutMs?: number;
}

export function connect<T>(transport: LoadTransport, url: URL, handler: LinkHandler<T>, owner: T, options: ConnectOptions): Link<T> {
  return transport === 'net' ? new MinimalWs<T>(url, handler, owner, options) : new WsLink<T>(url, handler, owner, options);
}

const kLink = Symbol('ws-link');
type TaggedWebSocket = WebSocket & { [kLink]: WsLink<unknown> };

/** The `ws` package client behind the same interface, for comparison. */
export class WsLink<T> implements Link<T> {
  private readonly ws: WebSocket;
  error: string | null = null;

  constructor(
    url: URL,
    readonly handler: LinkHandler<T>,
    public owner: T,
    options: ConnectOptions,
  ) {
    this.ws = new WebSocket(url, {
      perMessageDeflate: false,
      handshakeTimeout: options.timeoutMs ?? 15_000,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    (this.ws as TaggedWebSocket)[kLink] = this as WsLink<unknown>;
    this.ws.on('open', onOpen);
    this.ws.on('message', onMessage);
    this.ws.on('error', onError);
    this.ws.on('close', onClose);
  }

  send(data: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data);
  }

  sendText(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  close(code = 1000): void {
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else this.ws.close(code);
  }

  destroy(): void {
    this.ws.terminate();
  }
}

function link(ws: WebSocket): WsLink<unknown> {
  return (ws as TaggedWebSocket)[kLink];
}

function onOpen(this: WebSocket): void {
  const self = link(this);
  self.handler.open(self);
}

function onMessage(this: WebSocket, data: Buffer | ArrayBuffer | Buffer[]): void {
  const self = link(this);
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  self.handler.message(self, bytes);
}

function onError(this: WebSocket, error: Error): void {
  const self = link(this);
  self.error ??= (error as NodeJS.ErrnoException).code ?? error.message;
}

function onClose(this: WebSocket, code: number): void {
  const self = link(this);
  self.handler.close(self, code, self.error);
}
