/**
 * What survives a refresh: the ticket, the secret it is bound to, the grant
 * once admitted, and a marker once booked. One localStorage key per event.
 */
import { z } from 'zod';

const StoredTicket = z.object({
  eventId: z.string(),
  ticket: z.string(),
  ticketNo: z.number().int().positive(),
  secret: z.string(),
  /** People ahead at the first tick after joining: the progress bar's start. */
  joinedAhead: z.number().nonnegative().nullable(),
  grant: z.string().optional(),
  /** Booking reference, once booked. */
  booked: z.string().optional(),
});
export type StoredTicket = z.infer<typeof StoredTicket>;

export class TicketStore {
  private readonly key: string;
  /** Used when localStorage is unavailable (e.g. blocked by privacy settings). */
  private memory: StoredTicket | null = null;

  constructor(eventId: string) {
    this.key = `waitroom:${eventId}`;
  }

  load(): StoredTicket | null {
    let text: string | null = null;
    try {
      text = localStorage.getItem(this.key);
    } catch {
      return this.memory;
    }
    if (text === null) return null;
    try {
      const parsed = StoredTicket.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null; // unreadable entry: treat as absent, it is overwritten on the next join
    }
  }

  save(entry: StoredTicket): void {
    this.memory = entry;
    try {
      localStorage.setItem(this.key, JSON.stringify(entry));
    } catch (error) {
      console.warn('waitroom: cannot persist the ticket; a refresh will lose the place', error);
    }
  }

  /** Changes fields of the stored ticket; does nothing when there is none. */
  update(patch: Partial<StoredTicket>): StoredTicket | null {
    const current = this.load();
    if (!current) return null;
    const next = { ...current, ...patch };
    this.save(next);
    return next;
  }

  clear(): void {
    this.memory = null;
    try {
      localStorage.removeItem(this.key);
    } catch (error) {
      console.warn('waitroom: cannot clear the stored ticket', error);
    }
  }
}
