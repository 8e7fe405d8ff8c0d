/**
 * Every message between a waiting client and a gateway, as zod schemas.
 * Field names are short on the hot path (`tick` goes to every waiter every
 * second); docs/protocol.md describes each field.
 */
import { z } from 'zod';
import { ErrorCode } from './codes.js';

/** 2: joins carry `pk`, resumes prove possession of the secret (docs/decisions/013-ticket-possession.md). */
export const PROTOCOL_VERSION = 2;

const eventId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/);
/** base64url of SHA-256(secret): exactly 43 characters. */
const secretHash = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
/** Optional client request id, echoed in the reply. */
const rid = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 31)
  .optional();
const token = z.string().min(1).max(1024);
/** base64url Ed25519 public key (32 bytes): 43 characters. */
const publicKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
/** base64url Ed25519 signature (64 bytes): 86 characters. */
const proof = z.string().regex(/^[A-Za-z0-9_-]{86}$/);

// Client → server

/**
 * YYYY-MM-DD. Whether the date exists is checked at join with the event's cohorts (server/events/eligibility.ts),
 * which refuses 1980-02-30 with BIRTH_DATE_REQUIRED, a code the page can explain (test/integration/eligibility.test.ts).
 */
const birthDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * A solved proof-of-work challenge (docs/protocol.md §PoW): `c` is the
 * challenge exactly as the server sent it, `n` the nonce found for it.
 */
export const PowSolution = z.object({ c: z.string().min(1).max(512), n: z.string().regex(/^[0-9a-z]{1,16}$/) });
export type PowSolution = z.infer<typeof PowSolution>;

/**
 * `birthDate` is needed when the event takes certain birth-date cohorts only (GET /api/info says so).
 * `device`: base64url SHA-256 of the browser's device key: one place per device and event.
 * `pow`: the solved challenge, when the event asks for proof of work.
 * `pk`: the public key derived from the secret (shared/tokens/possession.ts); the ticket carries it.
 * `proof`: with `device`, the signature of the device-join challenge: needed when the device's place is handed over.
 * `code`: a priority-lane code an operator issued (docs/decisions/031): the ticket is then in the code's lane. Case,
 * spaces and dashes do not matter; a code that cannot be used is refused with LANE_CODE_*, and a join without it
 * joins the main line. A join with a code takes no device place.
 */
export const JoinMessage = z.object({
  type: z.literal('join'),
  rid,
  eventId,
  secretHash,
  pk: publicKey,
  proof: proof.optional(),
  birthDate: birthDate.optional(),
  device: secretHash.optional(),
  pow: PowSolution.optional(),
  code: z.string().min(1).max(32).optional(),
});
/**
 * `eventId`, when given, must match the ticket's event (a page for one event refuses another's ticket).
 * `proof`: the signature of resumeChallenge(hello's nonce, ticket) under the key the ticket names.
 */
export const ResumeMessage = z.object({ type: z.literal('resume'), rid, ticket: token, eventId: eventId.optional(), proof });
export const LeaveMessage = z.object({ type: z.literal('leave'), rid });

/** A recovery code's look-up name: base64url SHA-256 (shared/recovery/sealed-secret.ts), 43 characters. */
const recoveryId = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
/** The secret sealed under the code's key: base64url of IV, ciphertext and tag (95 characters for a 43-character secret). */
const sealedSecret = z.string().regex(/^[A-Za-z0-9_-]{40,200}$/);

/**
 * Keep a recovery code for the ticket this connection holds (docs/decisions/030-recovery-code.md): `ticket` is
 * that ticket's token, `id` and `box` come from the code, which never leaves the device. Replaces the ticket's
 * earlier code. Answered with `recovery-kept`.
 */
export const RecoveryMessage = z.object({ type: z.literal('recovery'), rid, ticket: token, id: recoveryId, box: sealedSecret });
/** Use a recovery code of `eventId` (once): answered with `recovered`, whose ticket the client then resumes. Needs no ticket. */
export const RecoverMessage = z.object({ type: z.literal('recover'), rid, eventId, id: recoveryId });
export const PingMessage = z.object({ type: z.literal('ping'), rid, t: z.number().finite() });

// Turn notices (docs/decisions/029-turn-notices.md): how the person wants to hear of a turn after closing the page.

/** A Web Push subscription as the browser's PushSubscription.toJSON() gives it (keys base64url). */
export const PushSubscriptionJson = z.object({
  endpoint: z
    .url()
    .max(1024)
    .refine((value) => /^https?:/.test(value), 'an http(s) URL'),
  keys: z.object({
    /** The browser's P-256 public key, uncompressed (65 bytes). */
    p256dh: z.string().regex(/^[A-Za-z0-9_-]{87}$/),
    /** The authentication secret (16 bytes). */
    auth: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  }),
});
export type PushSubscriptionJson = z.infer<typeof PushSubscriptionJson>;
/** E.164: a plus, the country code, the number; no spaces or dashes (the page writes 010-1234-5678 as +821012345678). */
export const PhoneNumber = z.string().regex(/^\+[1-9][0-9]{7,14}$/);
export const NoticeLanguage = z.enum(['ko', 'en']);

/**
 * Sent by a connection that holds a ticket: replaces the ticket's contact for its turn notices ("near" and
 * "come"), kept for the event only. Neither `push` nor `phone` forgets the contact. Answered `turn-contact-saved`,
 * or an error: NOT_JOINED, TURN_NOTICES_OFF (the gateway sends no notices of that kind), PUSH_SERVICE_REFUSED.
 */
export const TurnContactMessage = z.object({
  type: z.literal('turn-contact'),
  rid,
  push: PushSubscriptionJson.optional(),
  phone: PhoneNumber.optional(),
  lang: NoticeLanguage,
});

export const ClientMessage = z.discriminatedUnion('type', [
  JoinMessage,
  ResumeMessage,
  LeaveMessage,
  PingMessage,
  RecoveryMessage,
  RecoverMessage,
  TurnContactMessage,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export const CLIENT_MESSAGE_TYPES: readonly string[] = ['join', 'resume', 'leave', 'ping', 'recovery', 'recover', 'turn-contact'];

// Server → client

export const EventState = z.enum(['prequeue', 'open', 'paused', 'closed']);
export type EventState = z.infer<typeof EventState>;

export const HelloMessage = z.object({
  type: z.literal('hello'),
  v: z.number().int(),
  node: z.string(),
  serverTime: z.number(),
  tickMs: z.number().int().positive(),
  /** This connection's one-time nonce: resumes and device joins sign it (shared/tokens/possession.ts). */
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
});

export const TicketMessage = z.object({
  type: z.literal('ticket'),
  rid,
  eventId,
  ticket: token,
  ticketNo: z.number().int().positive(),
  issuedAt: z.number(),
  expiresAt: z.number(),
  resumed: z.boolean(),
});

/**
 * Counts of people who left, over consecutive equal-width ranges of ticket
 * numbers starting at `f`: `n[k]` counts the tickets in [f + k·w, f + (k+1)·w)
 * that left and whose turn has not yet passed.
 */
export const LeftSegment = z.object({
  f: z.number().int().nonnegative(),
  w: z.number().int().positive(),
  n: z.array(z.number().int().nonnegative()).max(4096),
});
export type LeftSegment = z.infer<typeof LeftSegment>;

/**
 * One priority lane's figures in the tick (docs/decisions/031): a lane is a
 * sequence of its own, numbered k·2^40 + 1, k·2^40 + 2, … (shared/queue/lanes.ts),
 * so a lane ticket's place and ETA come from these exactly as a main-line
 * ticket's come from c, i, q and l.
 */
export const LaneTick = z.object({
  /** The lane's number k. */
  k: z.number().int().positive(),
  /** The lane's id in the event config. */
  id: z.string().min(1).max(64),
  /** The lane's share of the admissions while people wait in it. */
  s: z.number().nonnegative().max(1),
  /** The lane's cursor, issued count and requeued returners, as c, i and q of the tick. */
  c: z.number().int().nonnegative(),
  i: z.number().int().nonnegative(),
  q: z.number().int().nonnegative(),
  /** The lane's leavers, as the tick's l. */
  l: z.array(LeftSegment).max(16),
});
export type LaneTick = z.infer<typeof LaneTick>;

/** The one frame broadcast, identical, to every waiter of an event each tick. */
export const TickMessage = z.object({
  type: z.literal('tick'),
  /** Event id. */
  e: eventId,
  /** Event state. */
  st: EventState,
  /** Cursor: every place ≤ c has had its turn (places are ticket numbers, except in a drawn pre-queue). */
  c: z.number().int().nonnegative(),
  /** Highest ticket number issued so far (= the last place). */
  i: z.number().int().nonnegative(),
  /** Returners whose turn passed while they were away and who now go first, ahead of every ticket > c. */
  q: z.number().int().nonnegative(),
  /** Admission rate used for ETAs, people per minute (0: unknown). */
  r: z.number().nonnegative(),
  /** Server time of this tick, ms since the Unix epoch. */
  t: z.number(),
  /** People who left ahead of the cursor, see LeftSegment. */
  l: z.array(LeftSegment).max(16),
  /**
   * The pre-queue draw, once made at the opening (shared/queue/draw.ts): tickets
   * 1..dn are placed by the permutation keyed by ds; later tickets are placed at
   * their number. Absent before the opening: places are not known yet.
   */
  dn: z.number().int().nonnegative().optional(),
  ds: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 32 - 1)
    .optional(),
  /** Present and true when the node cannot reach the queue store: figures are the last known, the queue is reconnecting. */
  d: z.boolean().optional(),
  /** The event's priority lanes anyone joined (absent: none). */
  ln: z.array(LaneTick).max(8).optional(),
});
export type TickMessage = z.infer<typeof TickMessage>;

export const AdmittedMessage = z.object({
  type: z.literal('admitted'),
  eventId,
  ticketNo: z.number().int().positive(),
  grant: token,
  expiresAt: z.number(),
  bookingUrl: z.string(),
});

export const ErrorMessage = z.object({
  type: z.literal('error'),
  rid,
  code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  retryable: z.boolean(),
  /** When the same request will be accepted (e.g. the person's window opens then), ms since the Unix epoch. */
  retryAt: z.number().optional(),
  /** With the POW_* codes: a fresh proof-of-work challenge to solve and send with the next join. */
  challenge: z.string().max(512).optional(),
});

/** Longest operator notice, in characters (UTF-16 code units). */
export const MAX_NOTICE_LENGTH = 500;

/**
 * An operator's notice to everyone waiting for an event, broadcast when it
 * changes and sent to a newcomer right after its ticket (and the last tick)
 * while one is current. A later `id` replaces an earlier one; `text: ''` clears it.
 */
export const NoticeMessage = z.object({
  type: z.literal('notice'),
  /** Event id. */
  e: eventId,
  /** Increases with every notice the operators send for this event. */
  id: z.number().int().nonnegative(),
  /** The notice in Korean, or in every language when the operator gave one text. */
  text: z.string().max(MAX_NOTICE_LENGTH),
  /** The notice in English, when the operator gave one; English pages show it instead of `text`. */
  en: z.string().max(MAX_NOTICE_LENGTH).optional(),
  /** When the operator sent it, ms since the Unix epoch. */
  at: z.number(),
});
export type NoticeMessage = z.infer<typeof NoticeMessage>;

/** The answer to `turn-contact`: which notices the ticket will get now. */
export const TurnContactSavedMessage = z.object({ type: z.literal('turn-contact-saved'), rid, push: z.boolean(), phone: z.boolean() });

export const PongMessage = z.object({ type: z.literal('pong'), rid, t: z.number(), serverTime: z.number() });

/** The code is kept for the ticket until `expiresAt` (the ticket's expiry). */
export const RecoveryKeptMessage = z.object({ type: z.literal('recovery-kept'), rid, expiresAt: z.number() });
/** The code's ticket and sealed secret; the code is used up. */
export const RecoveredMessage = z.object({
  type: z.literal('recovered'),
  rid,
  eventId,
  ticket: token,
  ticketNo: z.number().int().positive(),
  box: sealedSecret,
});

export const ServerMessage = z.discriminatedUnion('type', [
  HelloMessage,
  TicketMessage,
  TickMessage,
  AdmittedMessage,
  ErrorMessage,
  PongMessage,
  NoticeMessage,
  RecoveryKeptMessage,
  RecoveredMessage,
  TurnContactSavedMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type HelloMessage = z.infer<typeof HelloMessage>;
export type TicketMessage = z.infer<typeof TicketMessage>;
export type AdmittedMessage = z.infer<typeof AdmittedMessage>;
export type ErrorMessage = z.infer<typeof ErrorMessage>;
