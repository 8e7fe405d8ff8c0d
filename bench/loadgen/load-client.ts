/**
 * One simulated waiting person: its connection, where it is in the protocol,
 * and what the measurements need of it. Kept to plain fields: a worker holds
 * 20,000 of these.
 */
import { performance } from 'node:perf_hooks';
import type { Link } from './links.js';

/** Receive times on the server's clock (Date.now), with sub-millisecond precision. */
export function clockNow(): number {
  return performance.timeOrigin + performance.now();
}

export const CONNECTING = 0;
/** Open, join on its way. */
export const JOINING = 1;
/** Holds a ticket and gets ticks (listen: connected). */
export const WAITING = 2;
export const ADMITTED = 3;
/** Closed or closing on purpose (ticket taken in `join`, booked, abandoned, stopped). */
export const DONE = 4;
export const FAILED = 5;

export class LoadClient {
  link: Link<LoadClient> | null = null;
  state = CONNECTING;
  secret: string | null = null;
  joinSentAt = 0;
  ticketNo = 0;
  joinedAt = 0;
  /** Arrival of the last update; 0 before the first. */
  lastUpdateAt = 0;
  /** In the current window: longest gap, gaps and updates seen. */
  maxGap = 0;
  windowGaps = 0;
  windowUpdates = 0;
  aheadAtJoin: number | null = null;
  etaSecondsAtJoin: number | null = null;
  admittedAt: number | null = null;
  booked = false;
  abandoned = false;
  abandonAt = 0;

  constructor(readonly index: number) {}
}
