/**
 * One client connection and where it stands. Its ticket state (waiting,
 * admitted, back to holding nothing) is changed by its event's room only
 * (server/gateway/event-room.ts); the session itself changes only whether a
 * request is under way and whether it is closed.
 */
import { encode } from '../../shared/protocol/codec.js';
import { CloseCode, ErrorCode, RETRYABLE_ERRORS } from '../../shared/protocol/codes.js';
import type { ServerMessage } from '../../shared/protocol/messages.js';
import { newConnectionNonce } from './possession-check.js';
import { CLOSE_REASONS, closeLabel, Refusals, type Refusal } from './refusals.js';
import type { Connection } from './transport/types.js';

/** What a connection keeps of its ticket while it waits: the least it needs (every waiter holds one). */
export interface HeldTicket {
  eventId: string;
  ticketNo: number;
  /** The grant is bound to it. */
  secretHash: string;
}

export type SessionState =
  /** Holds no ticket; may join or resume. */
  | { readonly kind: 'open' }
  /** A join or resume is under way (its store call is in flight). */
  | { readonly kind: 'claiming' }
  /** Holds `ticket` and waits for its turn in the room. */
  | { readonly kind: 'waiting'; readonly ticket: HeldTicket }
  /** Was handed its grant: still holds the ticket (a revocation closes it), no further admission checks. */
  | { readonly kind: 'admitted'; readonly ticket: HeldTicket }
  /** Sends nothing more. `ticket`: the one it held when it closed, which its room releases at the transport's close. */
  | { readonly kind: 'closed'; readonly ticket: HeldTicket | null };

const OPEN: SessionState = { kind: 'open' };

export class Session {
  state: SessionState = OPEN;
  /** The one-time nonce sent in `hello`, until the connection holds a ticket (server/gateway/possession-check.ts). */
  nonce: string | null = newConnectionNonce();
  invalidFrames = 0;
  /** Since when the connection's unsent buffer has not emptied (server/gateway/limits/stuck-readers.ts). */
  behindSince: number | null = null;

  constructor(
    readonly connection: Connection,
    /** Counts every error sent and every close, by code (the gateway's metrics). */
    private readonly countError: (code: string) => void,
  ) {}

  /** The ticket the session holds (or held when it closed). */
  get ticket(): HeldTicket | null {
    return this.state.kind === 'open' || this.state.kind === 'claiming' ? null : this.state.ticket;
  }

  get closed(): boolean {
    return this.state.kind === 'closed';
  }

  /** Starts a join or resume: refused (ALREADY_JOINED) while the session holds a ticket or another request is under way. */
  claim(rid: number | undefined): boolean {
    if (this.state.kind !== 'open') {
      this.refuse(Refusals.alreadyJoined, rid);
      return false;
    }
    this.state = { kind: 'claiming' };
    return true;
  }

  /** The request under way ended without a ticket. */
  unclaim(): void {
    if (this.state.kind === 'claiming') this.state = OPEN;
  }

  /**
   * Replies are never silently lost: one that cannot be queued closes the
   * connection with a reconnect code, and resuming the ticket sends it again.
   */
  send(message: ServerMessage): void {
    if (this.closed) return;
    if (this.connection.send(encode(message)) === 'dropped') this.close(CloseCode.BACKPRESSURE);
  }

  /** `retryAt`: when the same request will be accepted (a window that opens later). */
  sendError(code: ErrorCode, message: string, rid?: number, retryAt?: number): void {
    this.countError(code);
    this.send({ type: 'error', rid, code, message, retryable: RETRYABLE_ERRORS.has(code), ...(retryAt === undefined ? {} : { retryAt }) });
  }

  refuse(refusal: Refusal, rid?: number, retryAt?: number): void {
    this.sendError(refusal.code, refusal.message, rid, retryAt);
  }

  /**
   * The one way the gateway closes a connection: counted by its code, and the
   * session sends nothing after it. `reason` replaces the code's usual one.
   */
  close(code: CloseCode, reason: string = CLOSE_REASONS[code]): void {
    if (this.closed) return;
    this.countError(closeLabel(code));
    this.state = { kind: 'closed', ticket: this.ticket };
    this.connection.close(code, reason);
  }

  /** The transport reported the connection gone (whoever closed it). */
  gone(): void {
    if (!this.closed) this.state = { kind: 'closed', ticket: this.ticket };
  }
}

export function eventTopic(eventId: string): string {
  return `e:${eventId}`;
}
