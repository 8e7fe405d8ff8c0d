/**
 * One WebSocket to the gateway that comes back after drops: reconnects with
 * full-jitter exponential backoff (so a dead node's clients do not all return
 * in the same millisecond) unless the close code is terminal. A connection that
 * stops carrying data without closing (a silent network) is noticed by the
 * watch in liveness.ts and treated like a drop. A draining node's MOVING close
 * is followed after the short wait it names (docs/protocol.md). Runs in browsers (their
 * WebSocket) and in Node (the `ws` package's, passed in).
 */
import { CloseCode, moveDelayMs, shouldReconnect } from '../../shared/protocol/codes.js';
// The lean decoder: the same answers as the zod codec without shipping zod to phones (shared/protocol/lean-codec.ts).
import { decodeServerMessage, encode } from '../../shared/protocol/lean-codec.js';
import type { ClientMessage, ServerMessage } from '../../shared/protocol/messages.js';
import { Backoff, CLIENT_RECONNECT, type BackoffOptions } from '../../shared/reconnect/backoff.js';
import { LivenessWatch } from './liveness.js';

/**
 * The part of a WebSocket this uses. Handlers take `any` because the browser's
 * and the `ws` package's event types differ while both carry what is read here
 * (`data` of a message, `code` of a close).
 */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  /** The `ws` package's: drops the socket without a close handshake. */
  terminate?(): void;
}
export type SocketConstructor = new (url: string) => SocketLike;

/**
 * A socket a page opened before the SDK loaded, so the WebSocket handshake runs while the scripts download
 * (the waiting page's head does: client/index.html), with the frames it received meanwhile. The first
 * connection adopts it when it is to the same URL and not closing; later ones open their own.
 */
export interface EarlySocket {
  readonly url: string;
  readonly socket: SocketLike;
  readonly received: { data: unknown }[];
}

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

const OPEN = 1;

export interface ConnectionEvents {
  /** The socket is open: (re)send join or resume. */
  open(): void;
  message(message: ServerMessage): void;
  /** `closeCode` is set when the server closed for good. */
  status(status: ConnectionStatus, closeCode?: number): void;
}

export class Connection {
  private socket: SocketLike | null = null;
  private readonly backoff: Backoff;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly liveness = new LivenessWatch({ ping: () => this.send({ type: 'ping', t: Date.now() }), dead: () => this.dropDead() });
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly Socket: SocketConstructor,
    private readonly on: ConnectionEvents,
    reconnect: BackoffOptions = CLIENT_RECONNECT,
    private early: EarlySocket | null = null,
  ) {
    this.backoff = new Backoff(reconnect);
  }

  start(): void {
    globalThis.addEventListener?.('online', this.reconnectNow);
    this.connect('connecting');
  }

  /** Sends when open; returns false (and drops the message) otherwise. */
  send(message: ClientMessage): boolean {
    if (this.socket?.readyState !== OPEN) return false;
    this.socket.send(encode(message));
    return true;
  }

  /** Call once the server has accepted the session, so the next drop retries quickly. */
  resetBackoff(): void {
    this.backoff.reset();
  }

  /** Closes for good, without reconnecting. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.takeEarly()?.socket.close(1000);
    clearTimeout(this.retryTimer);
    this.liveness.stop();
    globalThis.removeEventListener?.('online', this.reconnectNow);
    this.socket?.close(1000);
    this.socket = null;
    this.on.status('closed');
  }

  private connect(status: ConnectionStatus): void {
    this.on.status(status);
    const early = this.takeEarly();
    const socket = early?.socket ?? new this.Socket(this.url);
    socket.binaryType = 'arraybuffer';
    this.liveness.start(); // an opening handshake that never answers is as dead as a silent socket
    socket.onopen = () => {
      this.liveness.heard();
      this.on.status('connected');
      this.on.open();
    };
    socket.onmessage = (event: { data: unknown }) => {
      if (!(event.data instanceof ArrayBuffer)) return; // the protocol uses binary frames only
      if (this.socket !== socket) return; // a socket given up as dead
      this.liveness.heard();
      const decoded = decodeServerMessage(new Uint8Array(event.data));
      if (decoded.ok && decoded.message.type === 'hello') this.liveness.setTickMs(decoded.message.tickMs);
      if (decoded.ok) this.on.message(decoded.message);
      else console.warn('waitroom: ignored a server frame:', decoded.message);
    };
    // The close that follows says what happened; without a listener `ws` would throw the error.
    socket.onerror = () => undefined;
    socket.onclose = (event: { code: number; reason?: unknown }) => {
      if (this.socket !== socket || this.stopped) return;
      this.liveness.stop();
      this.socket = null;
      if (!shouldReconnect(event.code)) {
        this.stopped = true;
        this.on.status('closed', event.code);
        return;
      }
      // A draining node asks for one short wait (it spreads its clients' closes itself): no backoff growth.
      if (event.code === CloseCode.MOVING) {
        this.backoff.reset();
        this.scheduleReconnect(moveDelayMs(event.reason));
      } else this.scheduleReconnect();
    };
    this.socket = socket;
    if (!early) return;
    // What an open socket has already been through, in the order the platform would have delivered it.
    if (socket.readyState === OPEN) socket.onopen({});
    for (const event of early.received.splice(0)) socket.onmessage(event);
  }

  /** The early socket, once, when it can serve this connection; one that cannot is closed. */
  private takeEarly(): EarlySocket | null {
    const early = this.early;
    this.early = null;
    if (!early) return null;
    if (early.url === this.url && early.socket.readyState <= OPEN) return early;
    early.socket.onmessage = null;
    early.socket.close(1000);
    return null;
  }

  private scheduleReconnect(delayMs = this.backoff.next()): void {
    this.on.status('reconnecting');
    this.retryTimer = setTimeout(() => this.connect('reconnecting'), delayMs);
  }

  /**
   * Nothing came for the liveness bound: the network went silent without a close. Gives the socket up
   * at once (its close handshake may never finish on a dead network; its late events are ignored) and
   * reconnects with the usual backoff, as after a drop.
   */
  private dropDead(): void {
    const socket = this.socket;
    if (!socket || this.stopped) return;
    this.liveness.stop();
    this.socket = null;
    // `ws` in Node would wait 30 s for a close handshake that cannot come; browsers have no terminate.
    if (socket.terminate) socket.terminate();
    else socket.close(1000, 'no data within the liveness bound');
    this.scheduleReconnect();
  }

  /** The platform says the network is back: skip the rest of the backoff wait. */
  private readonly reconnectNow = (): void => {
    if (this.stopped || this.socket) return;
    clearTimeout(this.retryTimer);
    this.connect('reconnecting');
  };
}
