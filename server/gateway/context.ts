/** What the parts of a gateway share: its dependencies and, per event, its local room. */
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { EventConfig } from '../config/event-schema.js';
import type { WaitroomConfig } from '../config/schema.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Logger } from '../observability/log.js';
import type { JoinBatcher } from '../queue/join-batcher.js';
import type { TickMessage } from '../../shared/protocol/messages.js';
import type { BookingStore, NodeNumber, Notice, QueueFigures, QueueStore } from '../store/types.js';
import type { Take } from './limits/token-buckets.js';
import type { Session } from './session.js';
import type { TokenAuthority } from './token-authority.js';
import type { Transport } from './transport/types.js';
import { EventWaiters } from './waiters.js';

/** One event as this node sees it. */
export class EventRoom {
  readonly waiters = new EventWaiters();
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
  /** Tickets whose holders disconnected since the last tick; recorded in the store once per tick. */
  departed: number[] = [];
  /** The event was removed from the live events: this room no longer ticks or takes waiters. */
  closed = false;
  /** The session holding each ticket on this node (a resume elsewhere on this node supersedes it). */
  readonly holders = new Map<number, Session>();

  /** Replaced when a reload changes the event (the room's state stays): read it at use, do not keep it. */
  constructor(public config: EventConfig) {}
}

export interface GatewayContext {
  readonly config: Readonly<WaitroomConfig>;
  readonly clock: Clock;
  readonly queue: QueueStore;
  /** Read only: bookings made, slots taken (the kiosk, the console). */
  readonly bookings: BookingStore;
  /** This process in the store: the holder of its waiters' connections (a fresh number per start). */
  readonly node: NodeNumber;
  readonly tokens: TokenAuthority;
  readonly metrics: GatewayMetrics;
  readonly registry: Registry;
  readonly log: Logger;
  readonly batcher: JoinBatcher;
  /** One resume of ticket `<event>:<number>` from the per-ticket budget (limits/client-limits.ts): taken only for a proven resume. */
  takeResume(ticketKey: string, now: number): Take;
  transport(): Transport;
  /** Open WebSocket connections on this node. */
  connections(): number;
  room(eventId: string): EventRoom | undefined;
  rooms(): Iterable<EventRoom>;
  /** Where an event's bookings are made (the reservation handler's booking endpoint). */
  bookingUrl(eventId: string): string;
}

