/** One client connection and the ticket it holds, if any. */
import { encode } from '../../shared/protocol/codec.js';
import { CloseCode, ErrorCode, RETRYABLE_ERRORS } from '../../shared/protocol/codes.js';
import type { ServerMessage } from '../../shared/protocol/messages.js';
import { newConnectionNonce } from './possession-check.js';
import type { Connection } from './transport/types.js';

/** What a connection keeps of its ticket while it waits: the least it needs (every waiter holds one). */
export interface HeldTicket {
  eventId: string;
  ticketNo: number;
  /** The grant is bound to it. */
  secretHash: string;
}

export class Session {
  ticket: HeldTicket | null = null;
  /** The one-time nonce sent in `hello`, until the connection holds a ticket (server/gateway/possession-check.ts). */
  nonce: string | null = newConnectionNonce();
  /** A join or resume is under way. */
  busy = false;
  invalidFrames = 0;
  closed = false;
  /** A newer connection resumed the same ticket; this one's departure must not mark the ticket away. */
  superseded = false;
  /** The grant was handed over; no further admission checks. */
  admitted = false;
  /** Since when the connection's unsent buffer has not emptied (server/gateway/limits/stuck-readers.ts). */
  behindSince: number | null = null;

  constructor(
    readonly connection: Connection,
    /** Counts every error sent and every close forced, by code (the gateway's metrics). */
    private readonly countError: (code: string) => void,
  ) {}

  /**
   * Replies are never silently lost: one that cannot be queued closes the
   * connection with a reconnect code, and resuming the ticket sends it again.
   */
  send(message: ServerMessage): void {
    if (this.closed) return;
    if (this.connection.send(encode(message)) === 'dropped') {
      this.countError('CLOSE_BACKPRESSURE');
      this.connection.close(CloseCode.BACKPRESSURE, 'too far behind; resume to continue');
    }
  }

  /** `retryAt`: when the same request will be accepted (a window that opens later). */
  sendError(code: ErrorCode, message: string, rid?: number, retryAt?: number): void {
    this.countError(code);
    this.send({ type: 'error', rid, code, message, retryable: RETRYABLE_ERRORS.has(code), ...(retryAt === undefined ? {} : { retryAt }) });
  }
}

export function eventTopic(eventId: string): string {
  return `e:${eventId}`;
}
