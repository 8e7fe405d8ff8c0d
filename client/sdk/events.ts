/** Everything a WaitroomClient reports, by event name (client.on(name, listener)). */
import type { ErrorCode, EventState } from '../../shared/protocol/index.js';
import type { ConnectionStatus } from './connection.js';

/**
 * One word for what a person should be told: how the connection is
 * (connecting, reconnecting, closed for good), else the queue's state from the
 * last tick; `connected` until the first tick arrives. A tick saying the
 * server cannot reach its store counts as `reconnecting` (the figures lag).
 */
export type WaitroomState = 'connecting' | 'connected' | 'reconnecting' | 'prequeue' | 'open' | 'paused' | 'closed';

export interface StateEvent {
  state: WaitroomState;
  connection: ConnectionStatus;
  /** The queue's state from the last tick; null before one arrived. */
  queue: EventState | null;
  /** The gateway cannot reach its queue store: figures are the last known. */
  degraded: boolean;
}

export interface TicketEvent {
  ticketNo: number;
  /** True when an earlier place was taken back (after a refresh or a drop). */
  resumed: boolean;
}

export interface PositionEvent {
  ticketNo: number;
  /** Place in line: peopleAhead + 1 (1 = next). */
  place: number;
  peopleAhead: number;
  /** People ahead at the first tick after joining. */
  joinedAhead: number;
  /** 0 at joining, 1 at the front. */
  progress: number;
  /** The priority lane's id (docs/decisions/031) when the ticket is in one; null in the main line. */
  lane: string | null;
}

export interface EtaEvent {
  /** Seconds until admission; null when there is no honest estimate (not open, no rate yet). */
  seconds: number | null;
  /** When, by this device's clock (ms); null with seconds. */
  at: number | null;
  /** People admitted per minute (0: not known yet). */
  ratePerMinute: number;
}

export interface PrequeueEvent {
  /** People waiting for the opening; places are drawn at random then. */
  waiting: number;
  /** The server's time of this figure (ms). */
  serverTime: number;
}

export interface AdmittedEvent {
  ticketNo: number;
  /** The one-time booking grant; present it with the secret (see handoff()). */
  grant: string;
  /** Grant expiry by the server's clock (ms). */
  expiresAt: number;
  /** Where the booking is POSTed (the reservation handler). */
  bookingUrl: string;
}

export interface NoticeEvent {
  id: number;
  /** The operators' message (in Korean, or in every language); '' means the notice was cleared. */
  text: string;
  /** The message in English, when the operators gave one (show it on English pages). */
  en?: string;
  at: number;
}

/** Codes of terminal closes, named after CloseCode, or CONNECTION_CLOSED for other terminal ones. */
export type CloseErrorCode = 'SUPERSEDED' | 'EVENT_WITHDRAWN' | 'TICKET_REVOKED' | 'PROTOCOL_VIOLATION' | 'CONNECTION_CLOSED';
export type WaitroomErrorCode = ErrorCode | CloseErrorCode;

/**
 * What the client does about an error: `retrying` the same request later (at
 * `retryAt` when known), `rejoining` at the end of the line (the old place is
 * gone), `needs-birth-date` (asks the birthDate option again), `stopped` for
 * good (a person must decide: see restart()), `solving` a proof-of-work
 * challenge before joining again (tell the person the browser is being
 * checked), `resuming` the place another tab of this device stored,
 * `renewing` the device key to join anew (the device's earlier place ended
 * and a person chose to join again), or `info` (nothing changes).
 */
/** `main-line`: the join's priority-lane code could not be used; the client joins the main line without it. */
export type ErrorOutcome = 'retrying' | 'rejoining' | 'needs-birth-date' | 'stopped' | 'solving' | 'resuming' | 'renewing' | 'main-line' | 'info';

export interface WaitroomError {
  code: WaitroomErrorCode;
  /** The server's English text; pages show their own text per code. */
  message: string;
  outcome: ErrorOutcome;
  retryAt?: number;
  /** The WebSocket close code, for errors that closed the connection. */
  closeCode?: number;
}

/** The gateway's answer to the turn contact (client.setTurnContact): which notices the ticket gets, or why none. */
export type TurnContactEvent = { saved: true; push: boolean; phone: boolean } | { saved: false; code: ErrorCode; message: string };

export interface WaitroomEvents {
  state: StateEvent;
  ticket: TicketEvent;
  position: PositionEvent;
  eta: EtaEvent;
  prequeue: PrequeueEvent;
  admitted: AdmittedEvent;
  notice: NoticeEvent;
  error: WaitroomError;
  turnContact: TurnContactEvent;
}
