/**
 * The operators' API under `/admin/` (docs/console.md): every route's body
 * and answer, for the gateway that reads and writes them and the console that
 * sends and parses them. Instants are ms since the Unix epoch.
 */
import { z } from 'zod';
import { EventState, MAX_NOTICE_LENGTH } from '../protocol/messages.js';
import { AuditEntry } from './audit.js';
import { LocalText } from './local-text.js';

export const OperatorRole = z.enum(['viewer', 'operator']);
export type OperatorRole = z.infer<typeof OperatorRole>;

export const OperatorView = z.object({ name: z.string(), role: OperatorRole });
export type OperatorView = z.infer<typeof OperatorView>;

/** A current notice; a cleared one (text '') is reported as none. */
export const NoticeView = z.object({ id: z.number().int().nonnegative(), text: z.string(), en: z.string().nullable(), at: z.number() });
export type NoticeView = z.infer<typeof NoticeView>;

const count = z.number().int().nonnegative();

/** A priority lane of an event as the console lists it (docs/decisions/031). */
export const LaneRow = z.object({
  id: z.string(),
  name: LocalText,
  /** Its share of the admissions while people wait in it. */
  share: z.number().nonnegative(),
  waiting: count,
  admittedTotal: count,
});
export type LaneRow = z.infer<typeof LaneRow>;

export const EventRow = z.object({
  id: z.string(),
  title: LocalText,
  state: EventState,
  paused: z.boolean(),
  opensAt: z.number(),
  closesAt: z.number(),
  maxActive: count,
  admitsPerMinute: count,
  /** Waiting in the whole event, as the ticks count it (the metric waitroom_queue_waiting). */
  waiting: count,
  admittedTotal: count,
  /** Admitted people whose grant is neither used nor expired. */
  active: count,
  /** The admission rate the controller publishes for ETAs. */
  ratePerMinute: z.number().nonnegative(),
  bookings: count,
  notice: NoticeView.nullable(),
  /**
   * False when the event's store (its Redis Cluster shard) cannot be read now: the figures are then those of
   * this gateway's last tick of it (zeros before any), bookings 0, and nothing of it can be changed (decision 026).
   */
  storeReachable: z.boolean(),
  /** The event's configured priority lanes. */
  lanes: z.array(LaneRow),
});
export type EventRow = z.infer<typeof EventRow>;

export const NodeRow = z.object({
  /** The gateway's nodeId. */
  node: z.string(),
  /** Its open WebSocket connections at its last report. */
  connections: count,
  lastSeenAt: z.number(),
});
export type NodeRow = z.infer<typeof NodeRow>;

// Signing in.

/** `POST /admin/session`. */
export const SignInBody = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();
export type SignInBody = z.infer<typeof SignInBody>;

/** `POST /admin/session` 200 (with the session cookie). */
export const SignInResponse = z.object({ operator: OperatorView });
export type SignInResponse = z.infer<typeof SignInResponse>;

/** `GET /admin/session`: who is signed in, and how (`console`: session cookie, `http`: Basic). */
export const SessionResponse = z.object({ operator: OperatorView, via: z.enum(['console', 'http']) });
export type SessionResponse = z.infer<typeof SessionResponse>;

// Reading.

/** `GET /admin/overview`. */
export const OverviewResponse = z.object({
  now: z.number(),
  events: z.array(EventRow),
  nodes: z.array(NodeRow),
  /** False when the gateways' reports (one deployment-wide key) cannot be read now: `nodes` is then empty. */
  nodesReachable: z.boolean(),
});
export type OverviewResponse = z.infer<typeof OverviewResponse>;

export const HistoryPoint = z.object({
  t: z.number(),
  waiting: z.number(),
  admittedPerMinute: z.number(),
  active: z.number(),
  bookingsPerMinute: z.number(),
  /** Connections by node name, of the nodes alive at the sample. */
  connections: z.record(z.string(), z.number()),
});
export type HistoryPoint = z.infer<typeof HistoryPoint>;

/** `GET /admin/history?event=ID[&minutes=M]`: the deployment's samples of the last M minutes (60 unless given, at most 1440), oldest first. */
export const HistoryResponse = z.object({ stepMs: z.number().int().positive(), samples: z.array(HistoryPoint) });
export type HistoryResponse = z.infer<typeof HistoryResponse>;

/**
 * `GET /admin/audit?limit=N[&before=CURSOR]`: the deployment's audit trail, newest first;
 * `next` is the `before` of the page after this one (null: nothing older).
 */
export const AuditResponse = z.object({ entries: z.array(AuditEntry), next: z.string().nullable() });
export type AuditResponse = z.infer<typeof AuditResponse>;

/** `GET /admin/events`: the live events as an events file holds them (server/config/event-schema.ts), and their version. */
export const EventsResponse = z.object({ version: z.number().int(), events: z.array(z.looseObject({ id: z.string() })).readonly() });
export type EventsResponse = z.infer<typeof EventsResponse>;

// Steering one event: `POST /admin/events/:id/<action>`.

/** `limits`: at least one of the two. */
export const LimitsBody = z
  .object({ maxActive: z.number().int().min(1).optional(), admitsPerMinute: z.number().int().min(1).optional() })
  .strict()
  .refine((limits) => limits.maxActive !== undefined || limits.admitsPerMinute !== undefined, 'give maxActive, admitsPerMinute or both');
export type LimitsBody = z.infer<typeof LimitsBody>;

/** The console's range: 24 bits is about 16 million hashes, minutes on a phone; higher would shut people out. */
export const MAX_OPERATOR_DIFFICULTY = 24;

/** `pow`: 0 turns proof of work off. */
export const DifficultyBody = z.object({ difficulty: z.number().int().min(0).max(MAX_OPERATOR_DIFFICULTY) }).strict();
export type DifficultyBody = z.infer<typeof DifficultyBody>;

/** `notice`: `''` clears it. */
/** `text`: the notice in Korean, or in both languages; `en`: the English text, if it differs (omitted or '': none). */
export const NoticeBody = z
  .object({
    text: z.string().max(MAX_NOTICE_LENGTH, `at most ${MAX_NOTICE_LENGTH} characters`),
    en: z.string().max(MAX_NOTICE_LENGTH, `at most ${MAX_NOTICE_LENGTH} characters`).optional(),
  })
  .strict();
export type NoticeBody = z.infer<typeof NoticeBody>;

/** `revoke`. */
export const RevokeBody = z.object({ ticketNo: z.number().int().min(1) }).strict();
export type RevokeBody = z.infer<typeof RevokeBody>;

/** `pause`, `resume`, `limits`, `pow`, `open-now`, `close-now`: the event's row after the change. */
export const EventActionResponse = z.object({ event: EventRow });
export type EventActionResponse = z.infer<typeof EventActionResponse>;

/** `notice`: the notice as stored (text '' when cleared). */
export const NoticeResponse = z.object({ notice: NoticeView });
export type NoticeResponse = z.infer<typeof NoticeResponse>;

/** `revoke`: whether the ticket had been admitted (its unused grant now books nothing). */
export const RevokeResponse = z.object({ ticketNo: z.number().int().min(1), wasAdmitted: z.boolean() });
export type RevokeResponse = z.infer<typeof RevokeResponse>;

/** Most codes one request issues. */
export const MAX_CODES_PER_REQUEST = 500;

/** `POST /admin/events/:id/lane-codes`: `count` codes for `laneId`, each good for `uses` joins (1: single-use) until `expiresAt` (ms). */
export const LaneCodesBody = z
  .object({
    laneId: z.string().min(1).max(64),
    count: z.number().int().min(1).max(MAX_CODES_PER_REQUEST),
    uses: z.number().int().min(1).max(100_000),
    expiresAt: z.number().int().positive(),
  })
  .strict();
export type LaneCodesBody = z.infer<typeof LaneCodesBody>;

/** An issued code, shown as XXXX-XXXX-XXXX. */
export const LaneCodeView = z.object({
  code: z.string(),
  laneId: z.string(),
  uses: count,
  used: count,
  expiresAt: z.number(),
  issuedAt: z.number(),
});
export type LaneCodeView = z.infer<typeof LaneCodeView>;

/** The answer of both lane-code routes: the codes issued by the POST, or every code of the event (newest first) for the GET. */
export const LaneCodesResponse = z.object({ codes: z.array(LaneCodeView) });
export type LaneCodesResponse = z.infer<typeof LaneCodesResponse>;
