/**
 * The waiters of one event connected to this node, ordered by place in line,
 * so each tick finds the few whose turn may have come without looking at the
 * rest: those at or behind their line's cursor become "due" and are checked
 * against the store until they are admitted or finished. Places are ticket
 * numbers except in the pre-queue, whose places the draw at the opening
 * decides; each priority lane is a line of its own (docs/decisions/031).
 */
import { placeOf, type Draw } from '../../shared/queue/draw.js';
import { lineOf } from '../../shared/queue/lanes.js';
import { MinHeap } from './min-heap.js';
import type { Session } from './session.js';

type PlaceHeap = MinHeap<{ place: number; session: Session }>;

/** A line's cursor as the tick's figures give it: 0 the main line, k lane k. */
export interface LineCursor {
  line: number;
  cursor: number;
}

export class EventWaiters {
  /** One heap per line. */
  private readonly byPlace = new Map<number, PlaceHeap>();
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
    this.push(session);
  }

  private push(session: Session): void {
    const ticketNo = session.ticket!.ticketNo;
    const line = lineOf(ticketNo);
    let heap = this.byPlace.get(line);
    if (!heap) this.byPlace.set(line, (heap = new MinHeap((entry) => entry.place)));
    heap.push({ place: line === 0 ? placeOf(ticketNo, this.draw) : ticketNo, session });
  }

  /** The store's draw as of this tick: when it was just made, the pre-queue's waiters take their places. */
  setDraw(draw: Draw | null): void {
    if (draw?.size === this.draw?.size && draw?.seed === this.draw?.seed) return;
    this.draw = draw;
    this.byPlace.delete(0);
    for (const session of this.members) if (lineOf(session.ticket!.ticketNo) === 0) this.push(session);
  }

  /** The session no longer waits here (closed, admitted or finished); the heap forgets it lazily. */
  remove(session: Session): void {
    this.members.delete(session);
    this.due.delete(session);
  }

  /** Sessions placed at or behind their line's cursor and still waiting. */
  takeDue(cursors: readonly LineCursor[]): Session[] {
    for (const { line, cursor } of cursors) {
      const heap = this.byPlace.get(line);
      for (let top = heap?.peek(); heap && top && top.place <= cursor; top = heap.peek()) {
        heap.pop();
        if (this.members.has(top.session)) this.due.add(top.session);
      }
    }
    return [...this.due];
  }
}
