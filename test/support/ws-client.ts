/** A waiting client for tests, over a real WebSocket (ws), speaking the real protocol. */
import WebSocket from 'ws';
import { decodeServerMessage, encode } from '../../shared/protocol/index.js';
import type { ClientMessage, ServerMessage } from '../../shared/protocol/messages.js';
import { peopleAhead } from '../../shared/queue/position.js';
import { deviceJoinChallenge, possessionKey, proveWith, resumeChallenge } from '../../shared/tokens/possession.js';
import { hashSecret, newClientSecret } from '../../shared/tokens/secret.js';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export class TestClient {
  readonly messages: ServerMessage[] = [];
  /** People ahead as computed from each tick after the ticket arrived. */
  readonly aheadSeen: number[] = [];
  ticketNo = 0;
  ticket = '';
  grant: Of<'admitted'> | null = null;
  closeCode: number | null = null;
  /** The close frame's reason ('' when none), set with closeCode. */
  closeReason = '';
  /** Ticks received so far. */
  ticks = 0;
  private waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  private closed: Promise<number>;

  private constructor(
    readonly socket: WebSocket,
    readonly secret: string,
  ) {
    socket.on('message', (data: Buffer) => this.receive(data));
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason: Buffer) => {
        this.closeReason = reason.toString();
        resolve((this.closeCode = code));
      }),
    );
  }

  static async connect(url: string, secret = newClientSecret(), localAddress?: string): Promise<TestClient> {
    const socket = new WebSocket(url, { perMessageDeflate: false, ...(localAddress ? { localAddress } : {}) });
    const client = new TestClient(socket, secret);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('error', () => {});
    return client;
  }

  private receive(data: Buffer): void {
    const decoded = decodeServerMessage(data);
    if (!decoded.ok) throw new Error(`server sent an invalid frame: ${decoded.message}`);
    const message = decoded.message;
    this.messages.push(message);
    if (message.type === 'tick') this.ticks++;
    if (message.type === 'ticket') {
      this.ticketNo = message.ticketNo;
      this.ticket = message.ticket;
    } else if (message.type === 'tick' && this.ticketNo > 0 && !this.grant) {
      this.aheadSeen.push(peopleAhead(message, this.ticketNo));
    } else if (message.type === 'admitted') {
      this.grant = message;
    }
    this.waiters = this.waiters.filter((w) => (w.test(message) ? (w.resolve(message), false) : true));
  }

  send(message: ClientMessage | Uint8Array): void {
    this.socket.send(message instanceof Uint8Array ? message : encode(message));
  }

  /** The next message (or one already received, if `past`) matching `test`. */
  waitFor<T extends ServerMessage['type']>(type: T, test: (m: Of<T>) => boolean = () => true, timeoutMs = 10_000, past = true): Promise<Of<T>> {
    const match = (m: ServerMessage): m is Of<T> => m.type === type && test(m as Of<T>);
    const seen = past ? this.messages.find(match) : undefined;
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ test: match as (m: ServerMessage) => boolean, resolve: (m) => (clearTimeout(timer), resolve(m as Of<T>)) });
    });
  }

  async join(eventId: string, birthDate?: string): Promise<Of<'ticket'>> {
    return this.joinWith(eventId, birthDate ? { birthDate } : {});
  }

  /** This connection's nonce, from its `hello`. */
  async nonce(): Promise<string> {
    return (await this.waitFor('hello')).nonce;
  }

  /**
   * A join with more fields (device, pow, birthDate); a refusal rejects with its code (and `challenge`, if any).
   * It carries the possession key of this client's secret, and with a device key the proof a hand-over needs;
   * a field given as undefined (`proof: undefined`) is left out.
   */
  async joinWith(eventId: string, fields: Partial<Extract<ClientMessage, { type: 'join' }>>): Promise<Of<'ticket'>> {
    const [secretHash, pk] = await Promise.all([hashSecret(this.secret), possessionKey(this.secret)]);
    const proof = fields.device ? await proveWith(this.secret, deviceJoinChallenge(await this.nonce(), eventId)) : undefined;
    const message = { type: 'join' as const, rid: 1, eventId, secretHash, pk, proof, ...fields };
    this.send(Object.fromEntries(Object.entries(message).filter(([, value]) => value !== undefined)) as ClientMessage);
    return this.reply('ticket', 1);
  }

  /** Resumes `ticket`, proving possession with this client's secret (or with `proof`, as an attacker would try). */
  async resume(ticket: string, eventId?: string, proof?: string): Promise<Of<'ticket'>> {
    proof ??= await proveWith(this.secret, resumeChallenge(await this.nonce(), ticket));
    this.send({ type: 'resume', rid: 2, ticket, proof, ...(eventId ? { eventId } : {}) });
    return this.reply('ticket', 2);
  }

  /** Leaves (or, with neither push nor phone, forgets) the ticket's contact for turn notices; a refusal rejects with its code. */
  async saveTurnContact(fields: Omit<Extract<ClientMessage, { type: 'turn-contact' }>, 'type' | 'rid'>): Promise<Of<'turn-contact-saved'>> {
    this.send({ type: 'turn-contact', rid: 3, ...fields });
    return this.reply('turn-contact-saved', 3);
  }

  /** The reply to request `rid`: the expected type, or an error rejected with its code. */
  private async reply<T extends ServerMessage['type']>(type: T, rid: number): Promise<Of<T>> {
    const message: ServerMessage = await Promise.race<ServerMessage>([
      this.waitFor(type, (m) => (m as { rid?: number }).rid === rid, 10_000, false),
      this.waitFor('error', (m) => m.rid === rid, 10_000, false),
    ]);
    if (message.type === 'error') throw Object.assign(new Error(message.message), { code: message.code, challenge: message.challenge });
    return message as Of<T>;
  }

  close(): Promise<number> {
    this.socket.close();
    return this.closed;
  }

  /** Drop the TCP connection without a close handshake (network loss). */
  drop(): Promise<number> {
    this.socket.terminate();
    return this.closed;
  }

  whenClosed(): Promise<number> {
    return this.closed;
  }
}

/** How a request the server refused rejects (join, joinWith, resume): its code, and a fresh challenge with the POW_* codes. */
export type Refusal = Error & { code: string; challenge?: string };

/** The refusal `request` rejects with; fails the test when it was accepted. */
export async function refusalOf(request: Promise<unknown>): Promise<Refusal> {
  const error = await request.then(
    () => null,
    (e: Refusal) => e,
  );
  if (!error) throw new Error('the request was accepted');
  return error;
}

/** A fresh proof-of-work challenge for `eventId`: what `client`'s join without `pow` is refused with. */
export async function powChallenge(client: TestClient, eventId: string): Promise<string> {
  const refused = await refusalOf(client.joinWith(eventId, {}));
  if (refused.code !== 'POW_REQUIRED' || !refused.challenge) throw new Error(`expected POW_REQUIRED with a challenge, got ${refused.code}`);
  return refused.challenge;
}

/** 101 when the upgrade succeeded (the socket is closed again), else the HTTP status it was answered with. */
export function upgradeStatus(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, ...(origin ? { origin } : {}) });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (request, response) => {
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    socket.once('error', reject);
  });
}
