/**
 * One WebSocket to the gateway that comes back after drops: reconnects with
 * full-jitter exponential backoff (so a dead node's clients do not all return
 * in the same millisecond) unless the close code is terminal.
 */
import { decodeServerMessage, encode, shouldReconnect } from '../../shared/protocol/index.js';
import type { ClientMessage, ServerMessage } from '../../shared/protocol/index.js';
import { Backoff, CLIENT_RECONNECT } from '../../shared/reconnect/backoff.js';
import type { ConnectionState } from './view.js';

/** Keeps the connection from idling out (the gateway's idle timeout defaults to 120 s). */
const PING_EVERY_MS = 25_000;

export interface ConnectionEvents {
  /** The socket is open: (re)send join or resume. */
  open(): void;
  message(message: ServerMessage): void;
  /** `closeCode` is set when the server closed for good. */
  state(state: ConnectionState, closeCode?: number): void;
}

export class Connection {
  private socket: WebSocket | null = null;
  private readonly backoff = new Backoff(CLIENT_RECONNECT);
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly on: ConnectionEvents,
  ) {}

  start(): void {
    window.addEventListener('online', this.reconnectNow);
    this.connect('connecting');
  }

  /** Sends when open; returns false (and drops the message) otherwise. */
  send(message: ClientMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(encode(message));
    return true;
  }

  /** Call once the server has accepted the session, so the next drop retries quickly. */
  resetBackoff(): void {
    this.backoff.reset();
  }

  /** Closes for good, without reconnecting. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    window.removeEventListener('online', this.reconnectNow);
    this.socket?.close(1000);
    this.socket = null;
    this.on.state('closed');
  }

  private connect(state: ConnectionState): void {
    this.on.state(state);
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.on.state('connected');
      this.pingTimer = setInterval(() => this.send({ type: 'ping', t: Date.now() }), PING_EVERY_MS);
      this.on.open();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (!(event.data instanceof ArrayBuffer)) return; // the protocol uses binary frames only
      const decoded = decodeServerMessage(new Uint8Array(event.data));
      if (decoded.ok) this.on.message(decoded.message);
      else console.warn('waitroom: ignored a server frame:', decoded.message);
    };
    socket.onclose = (event: CloseEvent) => {
      clearInterval(this.pingTimer);
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      if (!shouldReconnect(event.code)) {
        this.stopped = true;
        this.on.state('closed', event.code);
        return;
      }
      this.scheduleReconnect();
    };
    this.socket = socket;
  }

  private scheduleReconnect(): void {
    this.on.state('reconnecting');
    this.retryTimer = setTimeout(() => this.connect('reconnecting'), this.backoff.next());
  }

  /** The browser says the network is back: skip the rest of the backoff wait. */
  private readonly reconnectNow = (): void => {
    if (this.stopped || this.socket) return;
    clearTimeout(this.retryTimer);
    this.connect('reconnecting');
  };
}
