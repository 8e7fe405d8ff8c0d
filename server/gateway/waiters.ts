/**
 * The waiters of one event connected to this node, ordered by place in line,
 * so each tick finds the few whose turn may have come without looking at the
 * rest: those at or behind the cursor become "due" and are checked against the
 * store until they are admitted or finished. Places are ticket numbers except
 * in the pre-queue, whose places the draw at the opening decides.
 */
import { placeOf, type Draw } from '../../shared/queue/draw.js';
import { MinHeap } from './min-heap.js';
import type { Session } from './session.js';

export class EventWaiters {
  private byPlace = new MinHeap<{ place: number; session: Session }>((entry) => entry.place);
  private draw: Draw | null = null;
  private readonly due = new Set<Session>();
  private readonly members = new Set<Session>();

  get count(): number {
    return this.members.size;
  }

  has(session: Session): boolean {
    return this.members.has(session);
  }

  add(session: Session): void {
    this.members.add(session);
    this.byPlace.push({ place: placeOf(session.ticket!.ticketNo, this.draw), session });
  }

  /** The store's draw as of this tick: when it was just made, the pre-queue's waiters take their places. */
  setDraw(draw: Draw | null): void {
    if (draw?.size === this.draw?.size && draw?.seed === this.draw?.seed) return;
    this.draw = draw;
    this.byPlace = new MinHeap((entry) => entry.place);
    for (const session of this.members) this.byPlace.push({ place: placeOf(session.ticket!.ticketNo, draw), session });
  }

  /** The session no longer waits here (closed, admitted or finished); the heap forgets it lazily. */
  remove(session: Session): void {
    this.members.delete(session);
    this.due.delete(session);
  }

  /** Sessions placed at or behind `cursor` and still waiting. */
  takeDue(cursor: number): Session[] {
    for (let top = this.byPlace.peek(); top && top.place <= cursor; top = this.byPlace.peek()) {
      this.byPlace.pop();
      if (this.members.has(top.session)) this.due.add(top.session);
    }
    return [...this.due];
  }
}
