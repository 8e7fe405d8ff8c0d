/**
 * The waiters of one event connected to this node, ordered by ticket number,
 * so each tick finds the few whose turn may have come without looking at the
 * rest: those at or behind the cursor become "due" and are checked against the
 * store until they are admitted or finished.
 */
import { MinHeap } from './min-heap.js';
import type { Session } from './session.js';

export class EventWaiters {
  private readonly byTicket = new MinHeap<{ ticketNo: number; session: Session }>((entry) => entry.ticketNo);
  private readonly due = new Set<Session>();
  private readonly members = new Set<Session>();

  get count(): number {
    return this.members.size;
  }

  add(session: Session): void {
    this.members.add(session);
    this.byTicket.push({ ticketNo: session.ticket!.ticketNo, session });
  }

  /** The session no longer waits here (closed, admitted or finished); the heap forgets it lazily. */
  remove(session: Session): void {
    this.members.delete(session);
    this.due.delete(session);
  }

  /** Sessions whose ticket is at or behind `cursor` and still waiting. */
  takeDue(cursor: number): Session[] {
    for (let top = this.byTicket.peek(); top && top.ticketNo <= cursor; top = this.byTicket.peek()) {
      this.byTicket.pop();
      if (this.members.has(top.session)) this.due.add(top.session);
    }
    return [...this.due];
  }
}
