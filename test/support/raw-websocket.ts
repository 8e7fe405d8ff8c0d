/**
 * A WebSocket client by hand on a node:net socket, for what a library client
 * hides: the HTTP answer to a refused upgrade, and a reader that stops reading
 * (pause the socket) while the server keeps sending.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface UpgradeAnswer {
  status: number;
  headers: Record<string, string>;
  /** The body of a refusal; empty after 101. */
  body: string;
  socket: Socket;
  /** Bytes after the 101 response's headers (frames the server already sent). */
  rest: Buffer;
}

/** Sends the upgrade request for `url` from `localAddress` and reads the answer's headers (and a refusal's body). */
export function rawUpgrade(url: string, localAddress?: string, headers: Record<string, string> = {}): Promise<UpgradeAnswer> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ...(localAddress ? { localAddress } : {}) });
    let received = Buffer.alloc(0);
    socket.on('error', reject);
    socket.once('connect', () => {
      const lines = [
        `GET ${pathname} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
      ];
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine = '', ...headerLines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(statusLine.split(' ')[1]);
      const answerHeaders = Object.fromEntries(
        headerLines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      const rest = received.subarray(end + 4);
      socket.off('data', onData);
      if (status === 101) return resolve({ status, headers: answerHeaders, body: '', socket, rest });
      // A kept-alive connection (uWS) stays open after the body: read Content-Length bytes, then close it.
      const length = Number(answerHeaders['content-length'] ?? Infinity);
      let body = rest;
      const finish = () => {
        socket.destroy();
        resolve({ status, headers: answerHeaders, body: body.toString(), socket, rest: Buffer.alloc(0) });
      };
      if (body.length >= length) return finish();
      socket.on('data', (more: Buffer) => {
        body = Buffer.concat([body, more]);
        if (body.length >= length) finish();
      });
      socket.once('close', finish);
    };
    socket.on('data', onData);
  });
}

/** One masked binary frame, as a client must send it. */
export function clientFrame(payload: Uint8Array): Buffer {
  const mask = randomBytes(4);
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x82, 0x80 | length]) : Buffer.from([0x82, 0x80 | 126, length >> 8, length & 0xff]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}

/** The close code of the first close frame in what the server sent (null when none arrived). */
export function closeCodeIn(stream: Buffer): number | null {
  let at = 0;
  while (at + 2 <= stream.length) {
    const opcode = stream[at]! & 0x0f;
    let length = stream[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) [length, start] = [stream.readUInt16BE(at + 2), at + 4];
    else if (length === 127) [length, start] = [Number(stream.readBigUInt64BE(at + 2)), at + 10];
    if (start + length > stream.length) return null;
    if (opcode === 0x8) return length >= 2 ? stream.readUInt16BE(start) : 1005;
    at = start + length;
  }
  return null;
}
