/**
 * A waiting client behind a load balancer that costs its test process next to
 * nothing, for thousands in one process (as ./quiet-client.ts): it decodes a
 * connection's frames only until its ticket reply, then just counts them. When
 * its socket closes with a reconnect code it comes back to the same URL (the
 * load balancer chooses the gateway): after a MOVING close, the wait the reason
 * names, else the full-jitter backoff, and resumes its ticket. It records each
 * drop and each landing, with the gateway that answered (its `hello` names it).
 */
import WebSocket from 'ws';
import { newSecret, possessionKeyOf, proofOf, secretHash } from '../../bench/loadgen/secrets.js';
import { CloseCode, moveDelayMs, RETRYABLE_ERRORS, shouldReconnect, type ErrorCode } from '../../shared/protocol/codes.js';
import { decodeServerMessage, encode } from '../../shared/protocol/index.js';
import { Backoff } from '../../shared/reconnect/backoff.js';
import { resumeChallenge } from '../../shared/tokens/possession.js';

export interface Landing {
  /** When the ticket reply arrived (Date.now()). */
  at: number;
  /** When the connection that got it was opened: the load the gateway was offered. */
  askedAt: number;
  /** The nodeId of the gateway that answered. */
  node: string;
  ticketNo: number;
}

export interface Drop {
  at: number;
  code: number;
  /** The gateway the closed connection was on. */
  node: string;
}

export class QuietRoamer {
  private readonly secret = newSecret();
  private ticket = '';
  ticketNo = 0;
  /** The join's landing, then every resume's. */
  readonly landings: Landing[] = [];
  readonly drops: Drop[] = [];
  /** Connection attempts that did not end with the ticket (refused upgrades, retryable refusals). */
  failedAttempts = 0;
  framesAfterTicket = 0;
  /** A terminal close or a non-retryable refusal: the client stopped. */
  failure: string | null = null;
  private readonly backoff = new Backoff({ baseMs: 200, maxMs: 5000 });
  private socket: WebSocket | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  private constructor(
    private readonly url: string,
    private readonly eventId: string,
  ) {}

  /** Joins `eventId` through `url`; resolves once the ticket is held. */
  static async join(url: string, eventId: string): Promise<QuietRoamer> {
    const client = new QuietRoamer(url, eventId);
    await client.connect();
    if (client.ticketNo === 0) throw new Error(`join failed: ${client.failure ?? 'no ticket'}`);
    return client;
  }

  /** The gateway it is on now (null while it is between gateways). */
  get node(): string | null {
    return this.socket ? (this.landings.at(-1)?.node ?? null) : null;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.socket?.terminate();
  }

  /** One connection: hello, join or resume, the ticket; resolves when it holds the ticket or failed. */
  private connect(): Promise<void> {
    return new Promise((settle) => {
      const askedAt = Date.now();
      const socket = new WebSocket(this.url, { perMessageDeflate: false });
      let node = '';
      let holding = false;
      socket.on('message', (data: Buffer) => {
        if (holding) return void this.framesAfterTicket++;
        const decoded = decodeServerMessage(data);
        if (!decoded.ok) return void socket.terminate();
        const message = decoded.message;
        if (message.type === 'hello') {
          node = message.node;
          socket.send(encode(this.request(message.nonce)));
        } else if (message.type === 'ticket') {
          holding = true;
          this.ticket = message.ticket;
          this.ticketNo ||= message.ticketNo;
          this.landings.push({ at: Date.now(), askedAt, node, ticketNo: message.ticketNo });
          this.socket = socket;
          this.backoff.reset();
          settle();
        } else if (message.type === 'error') {
          if (!RETRYABLE_ERRORS.has(message.code as ErrorCode)) this.failure = `refused: ${message.code}`;
          socket.terminate();
        }
      });
      socket.on('error', () => {});
      socket.on('close', (code, reason) => {
        if (!holding) {
          this.failedAttempts++;
          // A join is not retried (the caller sees it fail); a resume is, through the load balancer again.
          if (!this.ticket) this.failure ??= `the join's connection closed (${code})`;
          else if (!this.failure) this.again(this.backoff.next());
          return settle();
        }
        this.socket = null;
        if (this.stopped) return;
        this.drops.push({ at: Date.now(), code, node });
        if (!shouldReconnect(code)) this.failure = `closed with terminal code ${code}`;
        else if (code === CloseCode.MOVING) {
          this.backoff.reset();
          this.again(moveDelayMs(reason.toString()));
        } else this.again(this.backoff.next());
      });
    });
  }

  private request(nonce: string) {
    if (!this.ticket) return { type: 'join' as const, rid: 1, eventId: this.eventId, secretHash: secretHash(this.secret), pk: possessionKeyOf(this.secret) };
    return { type: 'resume' as const, rid: 2, ticket: this.ticket, eventId: this.eventId, proof: proofOf(this.secret, resumeChallenge(nonce, this.ticket)) };
  }

  private again(delayMs: number): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => void this.connect(), delayMs);
  }
}
