/**
 * A waiting client that roams between gateways, for many-client multi-node
 * tests: it joins on one node and, whenever its socket closes abnormally
 * (shouldReconnect), waits the shared full-jitter backoff and resumes its
 * ticket on the NEXT node of the list, as the page would behind a load
 * balancer. Each connection is a TestClient (decoding, join/resume replies);
 * this class adds the roaming and records what a test asserts on.
 */
import { CloseCode, ErrorCode, moveDelayMs, RETRYABLE_ERRORS, shouldReconnect } from '../../shared/protocol/codes.js';
import type { AdmittedMessage, ServerMessage } from '../../shared/protocol/messages.js';
import { peopleAhead } from '../../shared/queue/position.js';
import { Backoff, type BackoffOptions } from '../../shared/reconnect/backoff.js';
import { newClientSecret } from '../../shared/tokens/secret.js';
import { TestClient } from './ws-client.js';

/** Gives up on a node that neither accepts nor refuses within this long. */
const CONNECT_TIMEOUT_MS = 5000;

export interface RoamingClientOptions {
  /** Gateway WebSocket URLs (ws://…/ws), in roaming order. */
  urls: readonly string[];
  eventId: string;
  /** Index of the node to join on (default 0). */
  startAt?: number;
  /** Default: first wait up to 200 ms, doubling to at most 5 s. */
  backoff?: BackoffOptions;
}

/** People ahead as computed from one tick. */
export interface AheadSample {
  /** Local receive time (Date.now()). */
  at: number;
  /** Index into urls of the node that sent the tick. */
  node: number;
  ahead: number;
}

export class RoamingClient {
  readonly secret = newClientSecret();
  ticket = '';
  /** The ticket number of the join. */
  ticketNo = 0;
  /** Every ticket number a node gave (join, then each resume): all equal when roaming works. */
  readonly ticketNos: number[] = [];
  /** When each abnormal close was seen (Date.now()). */
  readonly drops: number[] = [];
  /** The code of each of those closes. */
  readonly dropCodes: number[] = [];
  /** When each reconnect attempt began (Date.now()): the load a node sees. */
  readonly attempts: number[] = [];
  /** When each resume was answered with the ticket (Date.now()). */
  readonly resumes: number[] = [];
  readonly ahead: AheadSample[] = [];
  /** Index into urls of the node currently (or last) connected to. */
  node: number;
  grant: AdmittedMessage | null = null;
  /** Why the client stopped roaming for good: a terminal close code, or a resume refused with a non-retryable code. */
  failure: string | null = null;

  private current: TestClient | null = null;
  private readonly backoff: Backoff;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private watchers: (() => void)[] = [];

  private constructor(private readonly options: RoamingClientOptions) {
    this.node = options.startAt ?? 0;
    this.backoff = new Backoff(options.backoff ?? { baseMs: 200, maxMs: 5000 });
  }

  /** Connects to urls[startAt] and joins `eventId`; resolves with the ticket held. */
  static async join(options: RoamingClientOptions): Promise<RoamingClient> {
    const client = new RoamingClient(options);
    const connection = await TestClient.connect(options.urls[client.node]!, client.secret);
    const ticket = await connection.join(options.eventId);
    client.ticket = ticket.ticket;
    client.ticketNo = ticket.ticketNo;
    client.ticketNos.push(ticket.ticketNo);
    client.attach(connection);
    return client;
  }

  get connected(): boolean {
    return this.current !== null;
  }

  /** Resolves once `test` holds (checked after every change); rejects after `timeoutMs` or when the client gave up. */
  until(test: (client: this) => boolean, timeoutMs = 10_000, what = 'the condition'): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (test(this)) return finish();
        if (this.failure) finish(new Error(`gave up before ${what}: ${this.failure}`));
      };
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.watchers = this.watchers.filter((w) => w !== check);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => finish(new Error(`no ${what} within ${timeoutMs} ms (ticket ${this.ticketNo}, node ${this.node}, ${this.resumes.length} resumes)`)),
        timeoutMs,
      );
      this.watchers.push(check);
      check();
    });
  }

  /** Resolves once the client has resumed `count` times in all. */
  whenResumed(count = 1, timeoutMs = 10_000): Promise<void> {
    return this.until((c) => c.resumes.length >= count, timeoutMs, `resume #${count}`);
  }

  async whenAdmitted(timeoutMs = 10_000): Promise<AdmittedMessage> {
    await this.until((c) => c.grant !== null, timeoutMs, 'grant');
    return this.grant!;
  }

  /** Closes normally and stops roaming. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const connection = this.current;
    this.current = null;
    if (connection) await connection.close();
  }

  /** Follows a connection that holds the ticket: records its messages (from its first), and roams on when it drops. */
  private attach(connection: TestClient): void {
    this.current = connection;
    const node = this.node;
    let seen = 0;
    const catchUp = () => {
      for (const message of connection.messages.slice(seen)) this.observe(message, node);
      seen = connection.messages.length;
      this.changed();
    };
    // TestClient's own listener, registered first, has decoded and stored each frame before this one runs.
    connection.socket.on('message', catchUp);
    catchUp();
    void connection.whenClosed().then((code) => this.closed(connection, code));
  }

  private observe(message: ServerMessage, node: number): void {
    if (message.type === 'tick' && message.e === this.options.eventId && this.ticketNo > 0 && !this.grant) {
      this.ahead.push({ at: Date.now(), node, ahead: peopleAhead(message, this.ticketNo) });
    } else if (message.type === 'admitted') {
      this.grant = message;
    }
  }

  private closed(connection: TestClient, code: number): void {
    if (this.current !== connection || this.stopped) return;
    this.current = null;
    if (!shouldReconnect(code)) {
      this.failure = `closed with terminal code ${code}`;
    } else {
      this.drops.push(Date.now());
      this.dropCodes.push(code);
      // As the SDK does (client/sdk/connection.ts): a draining node's MOVING close names the wait, without backoff.
      if (code === CloseCode.MOVING) {
        this.backoff.reset();
        this.scheduleReconnect(moveDelayMs(connection.closeReason));
      } else this.scheduleReconnect();
    }
    this.changed();
  }

  private scheduleReconnect(delayMs = this.backoff.next()): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => void this.reconnect(), delayMs);
  }

  /** One attempt on the next node: connect, resume; on any failure, back off and try the one after. */
  private async reconnect(): Promise<void> {
    this.node = (this.node + 1) % this.options.urls.length;
    this.attempts.push(Date.now());
    let connection: TestClient | null = null;
    try {
      const connecting = TestClient.connect(this.options.urls[this.node]!, this.secret);
      connection = await withTimeout(connecting, CONNECT_TIMEOUT_MS, 'connect').catch((error: unknown) => {
        connecting.then(
          (late) => void late.drop(),
          () => {},
        ); // should it still open, do not leak it
        throw error;
      });
      const closedFirst = connection.whenClosed().then((code) => Promise.reject(new Error(`closed (${code}) before the resume reply`)));
      closedFirst.catch(() => {}); // only the race below looks at it
      const ticket = await Promise.race([connection.resume(this.ticket, this.options.eventId), closedFirst]);
      if (this.stopped) return void connection.close();
      this.ticketNos.push(ticket.ticketNo);
      this.resumes.push(Date.now());
      this.backoff.reset();
      this.attach(connection);
    } catch (error) {
      if (connection) void connection.drop();
      if (this.stopped) return;
      const code = refusalCode(error);
      if (code && !RETRYABLE_ERRORS.has(code)) {
        this.failure = `resume refused: ${code}`;
        this.changed();
        return;
      }
      // Not reached, closed mid-way, or a retryable refusal: the next node, after the backoff.
      this.scheduleReconnect();
    }
  }

  private changed(): void {
    for (const watcher of [...this.watchers]) watcher();
  }
}

const ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** The protocol error code a node refused with, or null for anything else (e.g. ECONNREFUSED from a dead node). */
function refusalCode(error: unknown): ErrorCode | null {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && ERROR_CODES.has(code) ? (code as ErrorCode) : null;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
