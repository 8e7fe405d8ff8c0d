/**
 * What the operator API answers (docs/console.md), for the gateway that
 * writes it and the console that reads it: one definition of each shape.
 */
import type { EventState, NoticeMessage } from './messages.js';

export type OperatorRole = 'viewer' | 'operator';

export interface OperatorView {
  name: string;
  role: OperatorRole;
}

/** A current notice; a cleared one (text '') is reported as none. */
export type NoticeView = Pick<NoticeMessage, 'id' | 'text' | 'at'>;

export interface EventRow {
  id: string;
  title: { ko: string; en: string };
  state: EventState;
  paused: boolean;
  opensAt: number;
  closesAt: number;
  maxActive: number;
  admitsPerMinute: number;
  /** Waiting in the whole event, as the ticks count it (the metric waitroom_queue_waiting). */
  waiting: number;
  admittedTotal: number;
  /** Admitted people whose grant is neither used nor expired. */
  active: number;
  /** The admission rate the controller publishes for ETAs. */
  ratePerMinute: number;
  bookings: number;
  notice: NoticeView | null;
}

export interface NodeRow {
  /** The gateway's nodeId. */
  node: string;
  /** Its open WebSocket connections at its last report. */
  connections: number;
  lastSeenAt: number;
}

/** `GET /admin/overview`. */
export interface OverviewResponse {
  now: number;
  events: EventRow[];
  nodes: NodeRow[];
}

export interface HistoryPoint {
  t: number;
  waiting: number;
  admittedPerMinute: number;
  active: number;
  bookingsPerMinute: number;
  /** Connections by node name, of the nodes alive at the sample. */
  connections: Record<string, number>;
}

/** `GET /admin/history?event=ID`. */
export interface HistoryResponse {
  stepMs: number;
  samples: HistoryPoint[];
}
