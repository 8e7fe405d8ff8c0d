/**
 * A minimal RFC 6455 WebSocket client over `node:net`, for holding tens of
 * thousands of connections in one load-generator process.
 *
 * What it does: the HTTP/1.1 upgrade (Sec-WebSocket-Key, checks `101` and
 * Sec-WebSocket-Accept, refuses extensions), masked client frames, unmasked
 * server frames parsed incrementally (7/16/64-bit lengths, fragmented messages
 * reassembled), pong in answer to ping, the close handshake. No compression,
 * no subprotocols, no TLS.
 *
 * Why it is light: every socket reads into one shared buffer (`onread`), so a
 * read allocates nothing unless a frame is split across reads; the event
 * handlers are shared functions finding their connection on the socket, so a
 * connection is this object, its socket, and no closures. The payload handed
 * to `message` is a view that is valid only during the call: copy what you keep.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { randomView } from './secrets.js';

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_HANDSHAKE_BYTES = 8192;

/** Close codes reported to `close` for closes without a close frame. */
export const NO_STATUS = 1005;
export const ABNORMAL = 1006;

export interface MinimalWsHandler<T> {
  open(ws: MinimalWs<T>): void;
  /** `data` is valid only during this call. */
  message(ws: MinimalWs<T>, data: Buffer, binary: boolean): void;
  /** `code` from the server's close frame, else 1005/1006; `error` says why the client gave up, if it did. */
  close(ws: MinimalWs<T>, code: number, error: string | null): void;
}

export interface MinimalWsOptions {
  /** Source address to bind (127.0.x.y spreads connections over more ephemeral ports). */
  localAddress?: string;
  /** Give up a handshake (or a close handshake) after this long. Default 15 s. */
  timeoutMs?: number;
  /** Largest message accepted; larger ones fail the connection (1009). Default 16 MiB. */
  maxPayloadBytes?: number;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

const kWs = Symbol('minimal-ws');
type TaggedSocket = net.Socket & { [kWs]: MinimalWs<unknown> };

/** Every socket reads into this; a read's bytes are consumed (or copied) before the next read. */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

export class MinimalWs<T = unknown> {
  readyState: number = CONNECTING;
  /** The close code from the server's close frame, once one arrived. */
  closeCode: number | null = null;
  /** Why this client failed the connection, if it did (also socket errors such as ECONNREFUSED). */
  error: string | null = null;
  private readonly socket: net.Socket;
  /** Expected Sec-WebSocket-Accept until the handshake is done. */
  private accept: string | null;
  /** Bytes of an incomplete frame (or response head) carried over to the next read. */
  private pending: Buffer | null = null;
  /** Parts of a fragmented message. */
  private fragments: Buffer[] | null = null;
  private fragmentsBinary = false;
  private readonly maxPayload: number;

  constructor(
    url: string | URL,
    private readonly handler: MinimalWsHandler<T>,
    public owner: T,
    options: MinimalWsOptions = {},
  ) {
    const target = typeof url === 'string' ? new URL(url) : url;
    if (target.protocol !== 'ws:') throw new Error(`minimal-ws speaks ws:// only, not ${target.protocol}`);
    this.maxPayload = options.maxPayloadBytes ?? 16 << 20;
    const key = randomView(16).toString('base64');
    this.accept = createHash('sha1')
      .update(key + ACCEPT_GUID)
      .digest('base64');
    const port = Number(target.port || 80);
    this.socket = net.connect({
      host: target.hostname,
      port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: onRead },
    });
    (this.socket as TaggedSocket)[kWs] = this as MinimalWs<unknown>;
    this.socket.setTimeout(options.timeoutMs ?? 15_000);
    this.socket.on('timeout', onTimeout);
    this.socket.on('error', onError);
    this.socket.on('close', onClose);
    // Queued by net until the connection is up.
    this.socket.write(
      `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  }

  /** One binary message. Ignored unless open. */
  send(data: Uint8Array): void {
    if (this.readyState === OPEN) this.writeFrame(0x2, data);
  }

  /** One text message. Ignored unless open. */
  sendText(text: string): void {
    if (this.readyState === OPEN) this.writeFrame(0x1, Buffer.from(text));
  }

  /** Starts the close handshake; the socket ends when the server answers (or after the timeout). */
  close(code = 1000): void {
    if (this.readyState === CONNECTING) return this.destroy();
    if (this.readyState !== OPEN) return;
    const body = Buffer.allocUnsafe(2);
    body.writeUInt16BE(code, 0);
    this.writeFrame(0x8, body);
    this.readyState = CLOSING;
    this.socket.setTimeout(3000);
  }

  /** Drops the TCP connection at once; `reset` sends RST (no TIME_WAIT left behind). */
  destroy(reset = false): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    if (reset && typeof this.socket.resetAndDestroy === 'function' && !this.socket.connecting) this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /** @internal called by onRead. */
  receive(chunk: Buffer, length: number): void {
    // Nothing is read after a close frame or a failure.
    if (this.closeCode !== null || this.error !== null) return;
    let bytes = chunk;
    let end = length;
    if (this.pending) {
      bytes = Buffer.concat([this.pending, chunk.subarray(0, length)]);
      end = bytes.length;
      this.pending = null;
    }
    let position = 0;
    if (this.readyState === CONNECTING) {
      position = this.readResponseHead(bytes, end);
      if (position < 0) return;
    }
    if (this.readyState !== OPEN && this.readyState !== CLOSING) return;
    position = this.readFrames(bytes, position, end);
    // Copied: `bytes` may be the shared read buffer.
    if (position < end && (this.readyState as number) !== CLOSED) this.pending = Buffer.from(bytes.subarray(position, end));
  }

  /** @internal */
  socketTimedOut(): void {
    this.fail(this.readyState === CONNECTING ? 'handshake timeout' : this.readyState === CLOSING ? null : 'timeout');
  }

  /** @internal */
  socketFailed(error: Error): void {
    this.error ??= (error as NodeJS.ErrnoException).code ?? error.message;
  }

  /** @internal */
  socketClosed(): void {
    this.readyState = CLOSED;
    this.pending = null;
    this.fragments = null;
    this.handler.close(this, this.closeCode ?? ABNORMAL, this.error);
  }

  /** Returns where frames start, or -1 (waiting for more, or failed). */
  private readResponseHead(bytes: Buffer, end: number): number {
    const headEnd = bytes.subarray(0, end).indexOf('\r\n\r\n');
    if (headEnd < 0) {
      if (end > MAX_HANDSHAKE_BYTES) this.fail('handshake response too large');
      else this.pending = Buffer.from(bytes.subarray(0, end));
      return -1;
    }
    const lines = bytes.toString('latin1', 0, headEnd).split('\r\n');
    const status = lines[0] ?? '';
    if (!/^HTTP\/1\.1 101\b/.test(status)) return (this.fail(`upgrade refused: ${status.slice(0, 60)}`), -1);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    if (headers.get('upgrade')?.toLowerCase() !== 'websocket') return (this.fail('upgrade header missing'), -1);
    if (!headers.get('connection')?.toLowerCase().includes('upgrade')) return (this.fail('connection header missing'), -1);
    if (headers.get('sec-websocket-accept') !== this.accept) return (this.fail('wrong Sec-WebSocket-Accept'), -1);
    if (headers.has('sec-websocket-extensions')) return (this.fail('server chose an extension that was not offered'), -1);
    this.accept = null;
    this.readyState = OPEN;
    this.socket.setTimeout(0);
    this.handler.open(this);
    return headEnd + 4;
  }

  /** Handles every complete frame in bytes[position, end); returns where the incomplete rest starts. */
  private readFrames(bytes: Buffer, position: number, end: number): number {
    while (end - position >= 2) {
      const b0 = bytes[position]!;
      const b1 = bytes[position + 1]!;
      let length = b1 & 0x7f;
      let header = 2;
      if (length === 126) {
        if (end - position < 4) break;
        length = bytes.readUInt16BE(position + 2);
        header = 4;
      } else if (length === 127) {
        if (end - position < 10) break;
        const high = bytes.readUInt32BE(position + 2);
        if (high > 0) return (this.fail('frame longer than 4 GiB', 1009), end);
        length = bytes.readUInt32BE(position + 6);
        header = 10;
      }
      if (b1 & 0x80) return (this.fail('masked frame from the server', 1002), end);
      if (b0 & 0x70) return (this.fail('RSV bits set without an extension', 1002), end);
      if (length > this.maxPayload) return (this.fail('frame too large', 1009), end);
      if (end - position < header + length) break;
      const payload = bytes.subarray(position + header, position + header + length);
      position += header + length;
      this.frame((b0 & 0x80) !== 0, b0 & 0x0f, payload);
      if (this.readyState === CLOSED || this.closeCode !== null || this.error !== null) return end;
    }
    return position;
  }

  private frame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode >= 0x8) {
      if (!fin || payload.length > 125) return this.fail('invalid control frame', 1002);
      if (opcode === 0x8) return this.closeFrame(payload);
      if (opcode === 0x9) return this.readyState === OPEN ? this.writeFrame(0xa, payload) : undefined;
      if (opcode === 0xa) return;
      return this.fail(`unknown opcode ${opcode}`, 1002);
    }
    if (opcode === 0x1 || opcode === 0x2) {
      if (this.fragments) return this.fail('new message inside a fragmented one', 1002);
      if (fin) return this.deliver(payload, opcode === 0x2);
      this.fragments = [Buffer.from(payload)];
      this.fragmentsBinary = opcode === 0x2;
      return;
    }
    if (opcode !== 0x0) return this.fail(`unknown opcode ${opcode}`, 1002);
    if (!this.fragments) return this.fail('continuation without a message', 1002);
    this.fragments.push(Buffer.from(payload));
    const size = this.fragments.reduce((sum, part) => sum + part.length, 0);
    if (size > this.maxPayload) return this.fail('message too large', 1009);
    if (!fin) return;
    const message = Buffer.concat(this.fragments, size);
    this.fragments = null;
    this.deliver(message, this.fragmentsBinary);
  }

  private deliver(payload: Buffer, binary: boolean): void {
    // Messages after our close frame are still delivered (RFC 6455 §5.5.1): the server may not have seen it yet.
    this.handler.message(this, payload, binary);
  }

  private closeFrame(payload: Buffer): void {
    if (payload.length === 1) return this.fail('close frame with a 1-byte body', 1002);
    this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : NO_STATUS;
    if (this.readyState === OPEN) {
      this.writeFrame(0x8, payload.subarray(0, Math.min(2, payload.length)));
      this.readyState = CLOSING;
    }
    // The server closes the TCP connection first (RFC 6455 §7.1.1), so TIME_WAIT stays on its side, not on our ports.
    this.socket.setTimeout(3000);
  }

  /** Fails the connection: with `code` while open, a close frame and a FIN (then a short wait); otherwise dropped at once. */
  private fail(reason: string | null, code?: number): void {
    if (reason !== null) this.error ??= reason;
    this.pending = null;
    this.fragments = null;
    if (code !== undefined && this.readyState === OPEN) {
      const body = Buffer.allocUnsafe(2);
      body.writeUInt16BE(code, 0);
      this.writeFrame(0x8, body);
      this.readyState = CLOSING;
      this.socket.end();
      this.socket.setTimeout(1000);
      return;
    }
    this.readyState = CLOSING;
    this.socket.destroy();
  }

  private writeFrame(opcode: number, payload: Uint8Array): void {
    const length = payload.length;
    const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
    const frame = Buffer.allocUnsafe(header + 4 + length);
    frame[0] = 0x80 | opcode;
    if (header === 2) frame[1] = 0x80 | length;
    else if (header === 4) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(length, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
      frame.writeUInt32BE(length >>> 0, 6);
    }
    const mask = randomView(4);
    mask.copy(frame, header);
    const start = header + 4;
    for (let i = 0; i < length; i++) frame[start + i] = payload[i]! ^ mask[i & 3]!;
    this.socket.write(frame);
  }
}

function onRead(this: net.Socket, length: number, buffer: Uint8Array): boolean {
  (this as TaggedSocket)[kWs].receive(buffer as Buffer, length);
  return true;
}

function onTimeout(this: net.Socket): void {
  (this as TaggedSocket)[kWs].socketTimedOut();
}

function onError(this: net.Socket, error: Error): void {
  (this as TaggedSocket)[kWs].socketFailed(error);
}

function onClose(this: net.Socket): void {
  (this as TaggedSocket)[kWs].socketClosed();
}
