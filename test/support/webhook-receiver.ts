/**
 * A real webhook receiver on loopback for tests: checks every request's
 * signature (shared/webhooks/signature.ts) as an integrator would, answers
 * 500 (or another status) to the first `failFirst` requests, can be shut (connections refused)
 * and opened again on the same port, and keeps what arrived.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifyWebhook } from '../../shared/webhooks/signature.js';

export interface Received {
  id: string;
  attempt: number;
  /** Whether the receiver acknowledged it (2xx). */
  acknowledged: boolean;
  body: { id: string; eventId: string; reference: string; booking: { reference: string } };
}

export interface WebhookReceiverOptions {
  secret: string;
  /** Requests answered 500 (or `failStatus`) before the receiver starts answering 200. */
  failFirst?: number;
  failStatus?: number;
  /** Waits this long before answering each request. */
  delayMs?: number;
}

export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Requests whose signature did not verify (should stay empty). */
  readonly refused: string[] = [];
  private server: Server | null = null;
  private port = 0;
  private answered = 0;

  private constructor(private readonly options: WebhookReceiverOptions) {}

  static async start(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(options);
    await receiver.open();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/bookings`;
  }

  /** Listens (again) on the same port as before, or a free one the first time. */
  async open(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops open connections: attempts meanwhile are refused. */
  async shut(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The distinct booking ids acknowledged: what a receiver that de-duplicates by id keeps. */
  deliveredIds(): Set<string> {
    return new Set(this.received.filter((r) => r.acknowledged).map((r) => r.id));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const check = verifyWebhook(this.options.secret, raw, req.headers[SIGNATURE_HEADER] as string | undefined, Math.floor(Date.now() / 1000));
    if (!check.ok) {
      this.refused.push(check.failure);
      res.writeHead(401).end();
      return;
    }
    if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
    const acknowledged = this.answered++ >= (this.options.failFirst ?? 0);
    const body = JSON.parse(raw.toString('utf8')) as Received['body'];
    this.received.push({ id: body.id, attempt: Number(req.headers['waitroom-attempt']), acknowledged, body });
    res.writeHead(acknowledged ? 200 : (this.options.failStatus ?? 500), { 'content-type': 'text/plain' }).end(acknowledged ? 'ok' : 'not now');
  }
}
