/** The operator API's answers (docs/operations.md), as the console reads them. */
import type { EventState } from '../../shared/protocol/messages.js';

export type Role = 'viewer' | 'operator';

export interface Operator {
  name: string;
  role: Role;
}

export interface Notice {
  id: number;
  /** '' never arrives here: a cleared notice is null. */
  text: string;
  at: number;
}

export interface EventRow {
  id: string;
  title: { ko: string; en: string };
  state: EventState;
  paused: boolean;
  opensAt: number;
  closesAt: number;
  maxActive: number;
  admitsPerMinute: number;
  waiting: number;
  admittedTotal: number;
  active: number;
  ratePerMinute: number;
  bookings: number;
  notice: Notice | null;
}

export interface NodeRow {
  node: string;
  connections: number;
  lastSeenAt: number;
}

export interface Overview {
  now: number;
  events: EventRow[];
  nodes: NodeRow[];
}

export interface HistorySample {
  t: number;
  waiting: number;
  admittedPerMinute: number;
  active: number;
  bookingsPerMinute: number;
  connections: Record<string, number>;
}

export interface History {
  stepMs: number;
  samples: HistorySample[];
}

/** One line of the audit log; details beyond these vary by action (before/after, reason, …). */
export interface AuditEntry {
  at: string;
  actor: string;
  via: string;
  action: string;
  result: string;
  [detail: string]: unknown;
}
