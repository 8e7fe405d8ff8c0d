/**
 * The published record of an event's pre-queue draw (docs/protocol.md §10.1,
 * docs/decisions/005 "Verifiable draw"): the commitment to the seed, made
 * before anyone joins the pre-queue, and at the opening the seed, its nonce and
 * the pre-queue size. `GET /api/draw/:event` answers it; `GET /api/info`
 * carries its `commitment` and `reveal` per event.
 */
import { z } from 'zod';
import { HASH_PATTERN, NONCE_BYTES } from '../queue/draw-commitment.js';

export const DrawCommitmentInfo = z.object({
  /** SHA-256 (lowercase hex) of the seed, the nonce and the event id (shared/queue/draw-commitment.ts). */
  hash: z.string().regex(HASH_PATTERN),
  /** When the store fixed the seed, ms since the Unix epoch. */
  at: z.number(),
});
export type DrawCommitmentInfo = z.infer<typeof DrawCommitmentInfo>;

export const DrawReveal = z.object({
  /** Tickets 1..size are the pre-queue. */
  size: z.number().int().nonnegative(),
  /** The permutation's key (shared/queue/draw.ts). */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  nonce: z.string().regex(new RegExp(`^[0-9a-f]{${NONCE_BYTES * 2}}$`)),
});
export type DrawReveal = z.infer<typeof DrawReveal>;

/** The draw's part of an event's /api/info entry. */
export const PublicDraw = z.object({
  /** Null until a join or a controller step fixes the seed. */
  commitment: DrawCommitmentInfo.nullable(),
  /** Null before the opening. */
  reveal: DrawReveal.nullable(),
});
export type PublicDraw = z.infer<typeof PublicDraw>;

export const DrawRecord = PublicDraw.extend({
  event: z.string(),
  prequeueOpensAt: z.number().nullable(),
  opensAt: z.number(),
  /** The highest ticket number issued so far: before the opening, the pre-queue's length (the size can only be at least this). */
  issued: z.number().int().nonnegative(),
});
export type DrawRecord = z.infer<typeof DrawRecord>;
