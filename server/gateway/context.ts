/**
 * What the parts of a gateway are given, each part the view it needs: the
 * services every part may use, and on top of them what the request path, the
 * tick path and the HTTP pages each use besides. The per-event state is the
 * room's (server/gateway/event-room.ts).
 */
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { WaitroomConfig } from '../config/schema.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Logger } from '../observability/log.js';
import type { BookingStore, NodeNumber, QueueStore, RecoveryStore } from '../store/types.js';
import type { EventRoom } from './event-room.js';
import type { JoinBatcher } from './join-batcher.js';
import type { Take } from './limits/token-buckets.js';
import type { TokenAuthority } from './token-authority.js';
import type { Transport } from './transport/types.js';
import type { TurnNotices } from './turn-notices/turn-notices.js';

export type { EventRoom } from './event-room.js';

/** What every part of a gateway may use. */
export interface GatewayServices {
  readonly config: Readonly<WaitroomConfig>;
  readonly clock: Clock;
  readonly queue: QueueStore;
  /** This process in the store: the holder of its waiters' connections (a fresh number per start). */
  readonly node: NodeNumber;
  readonly tokens: TokenAuthority;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
  /** Notices of a near and a come turn for people who left a contact (./turn-notices/). */
  readonly turnNotices: TurnNotices;
}

/** Handing a grant over (the tick path and a resume of an admitted ticket). */
export interface AdmissionContext extends GatewayServices {
  /** Where an event's bookings are made (the reservation handler's booking endpoint). */
  bookingUrl(eventId: string): string;
}

/** The request path (server/gateway/message-handler.ts). */
export interface RequestContext extends AdmissionContext {
  readonly joins: JoinBatcher;
  /** One resume of ticket `<event>:<number>` from the per-ticket budget (limits/client-limits.ts): taken only for a proven resume. */
  takeResume(ticketKey: string, now: number): Take;
  /** Recovery codes (decision 030), and one code kept for ticket `<event>:<number>` from its budget (limits/client-limits.ts). */
  readonly recovery: RecoveryStore;
  takeRecoveryShown(ticketKey: string, now: number): Take;
  room(eventId: string): EventRoom | undefined;
}

/** The tick path (server/gateway/event-ticker.ts). */
export interface TickContext extends AdmissionContext {
  transport(): Transport;
}

/** The HTTP pages, the kiosk and the console. */
export interface GatewayContext extends GatewayServices {
  /** Read only: bookings made, slots taken (the kiosk, the console). */
  readonly bookings: BookingStore;
  readonly registry: Registry;
  transport(): Transport;
  /** Open WebSocket connections on this node. */
  connections(): number;
  room(eventId: string): EventRoom | undefined;
  rooms(): Iterable<EventRoom>;
}
