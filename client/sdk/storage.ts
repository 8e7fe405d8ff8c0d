/**
 * What survives a refresh: the ticket, the secret it is bound to, the grant
 * once admitted, and the booking reference once booked (a booking page on
 * another origin holds the hand-off only: no ticket). One key per event,
 * `waitroom:<eventId>` (docs/protocol.md §6.3), in a storage the caller picks:
 * localStorage in browsers, memory or a file in Node (./node-storage.ts).
 */
import { check } from '../../shared/lean/check.js';
import { STORED_TICKET } from '../../shared/lean/schemas.generated.js';
import type { StoredTicket } from './stored-shapes.js';

/** The part of the Web Storage API the SDK uses; `localStorage` fits as is. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function memoryStorage(): KeyValueStorage {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

/** localStorage when the platform has a working one (privacy settings can block it), else memory. */
export function defaultStorage(): KeyValueStorage {
  try {
    const storage = globalThis.localStorage;
    if (storage) {
      storage.setItem('waitroom:probe', '1');
      storage.removeItem('waitroom:probe');
      return storage;
    }
  } catch {
    // blocked: fall through to memory, and a refresh will lose the place
  }
  return memoryStorage();
}

export type { StoredTicket };

export function storageKey(eventId: string): string {
  return `waitroom:${eventId}`;
}

/** The stored ticket of one event; a damaged or foreign entry reads as none. */
export class TicketStore {
  private readonly key: string;

  constructor(
    readonly eventId: string,
    private readonly storage: KeyValueStorage,
  ) {
    this.key = storageKey(eventId);
  }

  load(): StoredTicket | null {
    let text: string | null;
    try {
      text = this.storage.getItem(this.key);
    } catch {
      return null;
    }
    if (text === null) return null;
    try {
      const checked = check<StoredTicket>(STORED_TICKET, JSON.parse(text));
      return checked.ok && checked.value.eventId === this.eventId ? checked.value : null;
    } catch {
      return null; // unreadable: treated as absent, overwritten by the next join
    }
  }

  save(entry: StoredTicket): void {
    try {
      this.storage.setItem(this.key, JSON.stringify(entry));
    } catch (error) {
      console.warn('waitroom: cannot keep the ticket; a refresh will lose the place', error);
    }
  }

  /** Changes fields of the stored ticket; null (and nothing written) when there is none. */
  update(patch: Partial<StoredTicket>): StoredTicket | null {
    const current = this.load();
    if (!current) return null;
    const next = { ...current, ...patch };
    this.save(next);
    return next;
  }

  clear(): void {
    try {
      this.storage.removeItem(this.key);
    } catch (error) {
      console.warn('waitroom: cannot forget the stored ticket', error);
    }
  }
}
