/**
 * `GET /api/info` (docs/protocol.md §10): which events exist, their windows
 * and cohorts, and where the reservation handler is. The gateway writes it,
 * the waiting and booking pages read it. Instants are ms since the Unix epoch.
 */
import { z } from 'zod';
import { EventState } from '../protocol/messages.js';
import { LocalText } from './local-text.js';
import { PublicDraw } from './draw.js';

/** Who may join when: a birth-date range with its own window inside the event's. */
export const CohortInfo = z.object({
  id: z.string(),
  label: LocalText,
  /** Inclusive calendar dates, YYYY-MM-DD. */
  born: z.object({ from: z.string(), to: z.string() }),
  opensAt: z.number(),
  closesAt: z.number(),
});
export type CohortInfo = z.infer<typeof CohortInfo>;

/** A priority lane people may join with a code (docs/decisions/031). */
export const LaneInfo = z.object({ id: z.string(), name: LocalText });
export type LaneInfo = z.infer<typeof LaneInfo>;

export const EventInfo = z.object({
  id: z.string(),
  title: LocalText,
  /** From the clock, the window and the pause as of the node's last tick; the tick's `st` is authoritative. */
  state: EventState,
  /** IANA zone the event's dates are written in, e.g. `Asia/Seoul`. */
  timeZone: z.string(),
  /** When joining opens before `opensAt` (the pre-queue, drawn at `opensAt`); null without one. */
  prequeueOpensAt: z.number().nullable(),
  opensAt: z.number(),
  closesAt: z.number(),
  /** Empty: anyone may join, no birth date asked. */
  cohorts: z.array(CohortInfo),
  /** The pre-queue draw's commitment and, after the opening, its reveal (./draw.ts; docs/protocol.md §10.2). */
  draw: PublicDraw,
  /** The event's priority lanes; empty: the main line only (the page then asks for no code). */
  lanes: z.array(LaneInfo),
});
export type EventInfo = z.infer<typeof EventInfo>;

export const GatewayInfo = z.object({
  /** The answering gateway's nodeId. */
  node: z.string(),
  /** The reservation handler's base URL (docs/protocol.md §9). */
  reservationsUrl: z.string(),
  events: z.array(EventInfo),
  /**
   * Turn notices this gateway sends (docs/decisions/029-turn-notices.md): `vapidPublicKey` (base64url) to
   * subscribe to Web Push with, when it sends them; `phone` when it takes a phone number for a text message.
   */
  turnNotices: z.object({ vapidPublicKey: z.string().optional(), phone: z.boolean() }).optional(),
});
export type GatewayInfo = z.infer<typeof GatewayInfo>;

/** `GET /healthz`: 200 when the queue store is reachable, otherwise 503 with `status: 'degraded'`. */
export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  node: z.string(),
  transport: z.enum(['uws', 'ws']),
  store: z.object({ kind: z.enum(['memory', 'redis']), reachable: z.boolean() }),
  connections: z.number().int().nonnegative(),
  uptimeSeconds: z.number().int().nonnegative(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
