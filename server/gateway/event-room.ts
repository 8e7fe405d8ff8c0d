/**
 * One event as this node sees it, and the only place where a connection's
 * hold on a ticket of the event changes. The room keeps:
 *
 *   holders    ticket number → the session holding it on this node
 *   waiters    the holders still waiting for their turn, by place in line
 *   departed   tickets whose holders disconnected since the last tick
 *
 * Invariants, after every method:
 *   1. A waiter is a holder: each waiter is `holders.get(its ticket number)`.
 *   2. A held ticket is never departed: it is recorded as departed only when
 *      its holder goes, and dropped from the record when it is held again
 *      (held again while the record is on its way to the store, it is said
 *      to have returned once more: flushDepartures).
 *   3. An admitted session is not a waiter; a waiting session is one.
 *   4. A session the room let go (released, finished, superseded, revoked)
 *      is neither a holder nor a waiter, and its going records no departure.
 *
 * The room touches connections only through the transport's `Connection`
 * (subscribe to the event's topic, the newcomer's frames, closes), so it is
 * tested without sockets.
 */
import type { Draw } from '../../shared/queue/draw.js';
import type { TickMessage } from '../../shared/protocol/messages.js';
import { CloseCode } from '../../shared/protocol/codes.js';
import type { EventConfig } from '../config/event-schema.js';
import type { Notice, QueueFigures } from '../store/types.js';
import { Refusals } from './refusals.js';
import { eventTopic, type HeldTicket, type Session } from './session.js';
import { EventWaiters, type LineCursor } from './waiters.js';

/** The store calls a flush of departures makes, for the room's event. */
export interface DepartureStore {
  disconnect(ticketNos: number[]): Promise<void>;
  reconnect(ticketNo: number): Promise<unknown>;
}

export class EventRoom {
  /** The last tick frame sent, for newcomers who should not wait a tick to see their place. */
  lastFrame: Uint8Array | null = null;
  /** The figures of the last successful tick; resent marked stale while the store is unreachable. */
  lastFigures: QueueFigures | null = null;
  /** The last tick frame sent, as a message (the kiosk's figures and ETA come from it). */
  lastTick: TickMessage | null = null;
  /** People waiting in the whole event as of the last tick: the waitroom_queue_waiting metric and the kiosk read this one number. */
  queueWaiting = 0;
  /** The operators' notice as last broadcast here (server/gateway/notices.ts), and its frame for newcomers. */
  notice: Notice | null = null;
  noticeFrame: Uint8Array | null = null;
  /** How many revocations the event had at the last tick (null before the first): server/gateway/revocations.ts. */
  revokedSeq: number | null = null;

  private readonly holders = new Map<number, Session>();
  private readonly waiters = new EventWaiters();
  private departed: number[] = [];
  private withdrawn = false;

  /** Replaced when a reload changes the event (the room's state stays): read it at use, do not keep it. */
  constructor(public config: EventConfig) {}

  /** The event was removed from the live events: this room no longer ticks or takes waiters. */
  get closed(): boolean {
    return this.withdrawn;
  }

  get waiterCount(): number {
    return this.waiters.count;
  }

  holderOf(ticketNo: number): Session | undefined {
    return this.holders.get(ticketNo);
  }

  /** Tickets recorded as departed and not yet flushed (for tests and the invariants). */
  pendingDepartures(): readonly number[] {
    return this.departed;
  }

  /**
   * `session` (claiming) takes `ticket`, new or resumed, and waits: it gets the
   * last tick and the current notice at once; an earlier holder on this node
   * is closed as superseded. A session that closed while its request was in
   * flight does not hold it: the ticket is departed, and keeps its place for
   * the grace period like any departure.
   */
  hold(session: Session, ticket: HeldTicket): void {
    if (session.closed) {
      if (!this.holders.has(ticket.ticketNo)) this.departed.push(ticket.ticketNo);
      return;
    }
    const previous = this.holders.get(ticket.ticketNo);
    if (previous && previous !== session) {
      this.letGo(previous);
      previous.close(CloseCode.SUPERSEDED);
    }
    if (this.departed.includes(ticket.ticketNo)) this.departed = this.departed.filter((ticketNo) => ticketNo !== ticket.ticketNo);
    session.state = { kind: 'waiting', ticket };
    session.nonce = null; // proven: a waiter keeps the least it needs
    this.holders.set(ticket.ticketNo, session);
    this.waiters.add(session);
    session.connection.subscribe(eventTopic(ticket.eventId));
    if (this.lastFrame) session.connection.send(this.lastFrame);
    if (this.noticeFrame && this.notice?.text) session.connection.send(this.noticeFrame);
  }

  /** The waiting `session`'s turn came: it stops waiting and hearing ticks, and keeps its ticket. Returns the ticket. */
  admit(session: Session): HeldTicket {
    const ticket = session.ticket!;
    session.state = { kind: 'admitted', ticket };
    this.waiters.remove(session);
    session.connection.unsubscribe(eventTopic(ticket.eventId));
    return ticket;
  }

  /** The session's turn came and went unused (the booking window ended): it holds nothing now and may join again. */
  finish(session: Session): void {
    this.letGo(session);
    session.connection.unsubscribe(eventTopic(this.config.id));
    session.state = { kind: 'open' };
  }

  /** The holder left the queue for good: no departure is recorded. */
  release(session: Session): void {
    this.letGo(session);
    if (!session.closed) session.state = { kind: 'open' };
  }

  /** An operator revoked `ticketNo`: its holder here, if any, is told and closed. */
  revoke(ticketNo: number): void {
    const session = this.holders.get(ticketNo);
    if (session) this.revokeSession(session);
  }

  /** `session`'s ticket was revoked: it stops holding it, is told, and is closed with a terminal code. */
  revokeSession(session: Session): void {
    this.letGo(session);
    session.refuse(Refusals.revoked);
    session.close(CloseCode.TICKET_REVOKED);
  }

  /** The transport reported `session` gone: a ticket it still held and waited with is departed. */
  depart(session: Session): void {
    const ticket = session.ticket;
    if (!ticket || this.holders.get(ticket.ticketNo) !== session) return;
    const waited = this.waiters.has(session);
    this.letGo(session);
    if (waited && !this.withdrawn) this.departed.push(ticket.ticketNo);
  }

  /** The event was removed: every holder here is told and closed; returns how many. */
  withdraw(): number {
    this.withdrawn = true;
    const holders = [...this.holders.values()];
    for (const session of holders) closeWithdrawn(session);
    return holders.length;
  }

  /** Waiters placed at or behind `cursor` under the store's `draw`, still waiting. */
  takeDue(cursor: number, draw: Draw | null, lanes: readonly LineCursor[] = []): Session[] {
    this.waiters.setDraw(draw);
    return this.waiters.takeDue([{ line: 0, cursor }, ...lanes]);
  }

  /**
   * Records this node's departures since the last tick (none of them held: invariant 2). One taken back
   * while the record was on its way to the store (whose return the store may have seen first) is said to
   * have returned once more, so nobody who came back counts as away. On failure the departures not taken
   * back meanwhile are kept for the next tick.
   */
  async flushDepartures(store: DepartureStore): Promise<void> {
    const departed = this.departed;
    this.departed = [];
    if (departed.length === 0) return;
    try {
      await store.disconnect(departed);
    } catch (error) {
      this.departed.push(...departed.filter((ticketNo) => !this.holders.has(ticketNo)));
      throw error;
    }
    const returned = departed.filter((ticketNo) => this.holders.has(ticketNo));
    await Promise.all(returned.map((ticketNo) => store.reconnect(ticketNo)));
  }

  /** Neither a holder nor a waiter any more (its connection may be gone: nothing is sent to it). */
  private letGo(session: Session): void {
    const ticket = session.ticket;
    if (!ticket) return;
    if (this.holders.get(ticket.ticketNo) === session) this.holders.delete(ticket.ticketNo);
    this.waiters.remove(session);
  }
}

/** The session's event was withdrawn (now, or while its request was in flight): told, then closed with a terminal code. */
export function closeWithdrawn(session: Session, rid?: number): void {
  session.refuse(Refusals.withdrawn, rid);
  session.close(CloseCode.EVENT_WITHDRAWN);
}
