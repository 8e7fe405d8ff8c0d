/**
 * Which places one gateway has looked at for each notice kind of one event:
 * each tick it looks only at the places that came within the near distance of
 * the cursor, and those the cursor reached, since the last tick (at most `max`
 * of each; the rest follow at the next ticks). Places are ticket numbers except
 * in a drawn pre-queue (shared/queue/draw.ts), so the answer is ticket numbers.
 * A gateway's first look starts at the cursor: turns that came before it
 * started were another gateway's to announce (decision 029).
 */
import { ticketAt, type Draw } from '../../../shared/queue/draw.js';

export interface NoticeWindow {
  cursor: number;
  issued: number;
  draw: Draw | null;
}

export class NoticeMarks {
  private near: number | null = null;
  private turn: number | null = null;

  constructor(
    private readonly distance: () => number,
    private readonly max: number,
  ) {}

  /** Ticket numbers newly within the distance (`near`) and newly reached by the cursor (`turn`). */
  advance({ cursor, issued, draw }: NoticeWindow): { near: number[]; turn: number[] } {
    this.near ??= cursor;
    this.turn ??= cursor;
    const nearFrom = Math.max(this.near, cursor) + 1;
    const nearTo = Math.min(cursor + this.distance(), issued, nearFrom + this.max - 1);
    const turnFrom = this.turn + 1;
    const turnTo = Math.min(cursor, turnFrom + this.max - 1);
    this.near = Math.max(this.near, nearTo);
    this.turn = Math.max(this.turn, turnTo);
    return { near: ticketsAt(nearFrom, nearTo, draw), turn: ticketsAt(turnFrom, turnTo, draw) };
  }
}

function ticketsAt(from: number, to: number, draw: Draw | null): number[] {
  const tickets: number[] = [];
  for (let place = from; place <= to; place++) tickets.push(ticketAt(place, draw));
  return tickets;
}
