/**
 * The one live set of events of a process. Everything that needs an event's
 * configuration (gateway rooms and ticks, the admission controller, the
 * reservation handler) reads it here at the moment it needs it, so a reload
 * (server/events/reload.ts) takes effect everywhere at once. Each replacement
 * bumps the version; listeners run synchronously, in registration order.
 */
import type { EventConfig } from '../config/event-schema.js';

export interface EventsReplaced {
  version: number;
  previous: readonly EventConfig[];
  current: readonly EventConfig[];
}

export type EventsListener = (change: EventsReplaced) => void;

export class EventRegistry {
  private events: readonly EventConfig[];
  private byId: Map<string, EventConfig>;
  private listeners: EventsListener[] = [];
  private currentVersion = 1;

  constructor(events: readonly EventConfig[]) {
    this.events = Object.freeze([...events]);
    this.byId = new Map(events.map((event) => [event.id, event]));
  }

  /** Starts at 1; every replace adds one. */
  get version(): number {
    return this.currentVersion;
  }

  current(): readonly EventConfig[] {
    return this.events;
  }

  get(id: string): EventConfig | undefined {
    return this.byId.get(id);
  }

  /** Makes `events` the live set (already validated and checked by the caller); returns the new version. */
  replace(events: readonly EventConfig[]): number {
    const previous = this.events;
    this.events = Object.freeze([...events]);
    this.byId = new Map(events.map((event) => [event.id, event]));
    this.currentVersion += 1;
    const change = { version: this.currentVersion, previous, current: this.events };
    for (const listener of [...this.listeners]) listener(change);
    return this.currentVersion;
  }

  /** Calls `listener` after every replace; returns a function that stops it. */
  onChange(listener: EventsListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
}
