/**
 * A waiting client that costs its test process next to nothing once it holds
 * a ticket: it decodes frames only until its ticket arrives, then just counts
 * them. For tests that hold thousands of waiters in one process next to the
 * rest of the suite, where a TestClient per waiter (every tick decoded and
 * kept) starves the process and the gateways close the clients it cannot
 * read for (test/cluster/redis-commands-per-client.test.ts).
 */
import WebSocket from 'ws';
import { decodeServerMessage, encode } from '../../shared/protocol/index.js';
import { newSecret, possessionKeyOf, secretHash } from '../../bench/loadgen/secrets.js';

export class QuietClient {
  ticketNo = 0;
  /** Frames received after the ticket (ticks, mostly). */
  framesAfterTicket = 0;
  closeCode: number | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on('close', (code) => (this.closeCode = code));
    socket.on('error', () => {});
  }

  /** Connects and joins `eventId`; resolves once the ticket arrived (rejects on a refusal). */
  static async join(url: string, eventId: string): Promise<QuietClient> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const client = new QuietClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const ticket = new Promise<number>((resolve, reject) => {
      socket.on('message', (data: Buffer) => {
        if (client.ticketNo > 0) return void client.framesAfterTicket++;
        const decoded = decodeServerMessage(data);
        if (!decoded.ok) return reject(new Error(`server sent an invalid frame: ${decoded.message}`));
        if (decoded.message.type === 'ticket') resolve((client.ticketNo = decoded.message.ticketNo));
        if (decoded.message.type === 'error') reject(Object.assign(new Error(decoded.message.message), { code: decoded.message.code }));
      });
    });
    const secret = newSecret();
    socket.send(encode({ type: 'join', rid: 1, eventId, secretHash: secretHash(secret), pk: possessionKeyOf(secret) }));
    await ticket;
    return client;
  }

  drop(): void {
    this.socket.terminate();
  }
}
