/**
 * A push service for tests (RFC 8030): a node:http server that takes the
 * gateway's push messages, checks the VAPID token (RFC 8292: an ES256 JWT for
 * this origin, signed by the key in `k=`), and decrypts the aes128gcm payload
 * (RFC 8188) with the subscription's own keys as RFC 8291 §3.4 derives them.
 * The test makes the subscription here: a P-256 key pair and an auth secret,
 * exactly what a browser would hold.
 */
import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify } from 'jose';

export interface ReceivedPush {
  /** The subscription's id (the endpoint's last path segment). */
  subscription: string;
  /** The decrypted payload. */
  text: string;
  headers: IncomingMessage['headers'];
  receivedAt: number;
  /** The VAPID key the gateway signed with (`k=`, base64url). */
  vapidKey: string;
}

interface Subscriber {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
}

const hmac = (key: Buffer, data: Buffer): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 8291 §3.4 and RFC 8188 §2: the content encryption key and nonce, then AES-128-GCM of the one record. */
export function decryptAes128gcm(body: Buffer, uaPrivate: ReturnType<typeof createECDH>, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const idLength = body[20]!;
  const asPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const uaPublic = uaPrivate.getPublicKey();
  const ecdhSecret = uaPrivate.computeSecret(asPublic);
  const prkKey = hmac(authSecret, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic, Buffer.from([1])]);
  const ikm = hmac(prkKey, keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01', 'binary')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01', 'binary')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(-16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, -16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end).toString('utf8');
}

/** Checks `authorization: vapid t=<jwt>, k=<key>` for `audience`; returns the key. */
async function checkVapid(header: string | undefined, audience: string): Promise<string> {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) throw new Error(`no VAPID authorization: ${header}`);
  const [, jwt, k] = match as unknown as [string, string, string];
  const point = Buffer.from(k, 'base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  const { payload, protectedHeader } = await compactVerify(jwt, key);
  const claims = JSON.parse(new TextDecoder().decode(payload)) as { aud?: string; exp?: number; sub?: string };
  if (protectedHeader.alg !== 'ES256' || claims.aud !== audience || !claims.sub || !(claims.exp! * 1000 > Date.now())) {
    throw new Error(`bad VAPID claims ${JSON.stringify(claims)}`);
  }
  return k;
}

export class PushReceiver {
  readonly received: ReceivedPush[] = [];
  readonly refused: string[] = [];
  private readonly subscribers = new Map<string, Subscriber>();
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<PushReceiver> {
    let receiver: PushReceiver | null = null;
    const server = createServer((request, response) => void receiver!.take(request).then((status) => response.writeHead(status).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new PushReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  /** A new subscription at this push service, as PushSubscription.toJSON() gives it. */
  subscribe(): { endpoint: string; keys: { p256dh: string; auth: string } } {
    const id = randomBytes(9).toString('base64url');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.subscribers.set(id, { ecdh, auth });
    return { endpoint: `${this.origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } };
  }

  /** Resolves once `count` messages have come (rejects after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedPush[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`${this.received.length} of ${count} push messages within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.received.slice(0, count);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async take(request: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(request.url ?? '')?.[1];
    const subscriber = id ? this.subscribers.get(id) : undefined;
    if (!id || !subscriber) return 404;
    try {
      if (request.method !== 'POST' || request.headers['content-encoding'] !== 'aes128gcm' || !request.headers.ttl) throw new Error('not an RFC 8030 push');
      const vapidKey = await checkVapid(request.headers.authorization, this.origin);
      const text = decryptAes128gcm(Buffer.concat(chunks), subscriber.ecdh, subscriber.auth);
      this.received.push({ subscription: id, text, headers: request.headers, receivedAt: Date.now(), vapidKey });
      for (const wake of this.waiters.splice(0)) wake();
      return 201;
    } catch (error) {
      this.refused.push(String(error));
      return 400;
    }
  }
}
