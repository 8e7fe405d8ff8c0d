/**
 * The proof-of-work check at join, for events whose `proofOfWork.difficulty`
 * is above 0: a join must carry a solved, genuine, unexpired, unused
 * challenge for this event. Every refusal carries a fresh challenge.
 */
import { ErrorCode } from '../../../shared/protocol/codes.js';
import type { PowSolution } from '../../../shared/protocol/messages.js';
import type { EventRoom, GatewayServices } from '../context.js';
import { AutoRaise } from './auto-raise.js';
import { checkChallenge, issueChallenge, solves } from './challenge.js';

export type PowVerdict = { ok: true } | { ok: false; code: ErrorCode; message: string; challenge: string };

/** Per gateway: each context counts its own joins. */
const raises = new WeakMap<GatewayServices, AutoRaise>();

function raiseOf(ctx: GatewayServices): AutoRaise {
  let raise = raises.get(ctx);
  if (!raise) raises.set(ctx, (raise = new AutoRaise()));
  return raise;
}

export async function checkProofOfWork(ctx: GatewayServices, room: EventRoom, pow: PowSolution | undefined): Promise<PowVerdict> {
  const settings = room.config.proofOfWork;
  const now = ctx.clock.now();
  const difficulty = raiseOf(ctx).difficultyForJoin(room.config, now);
  if (difficulty === 0) return { ok: true };
  // The live ticket keys, never the start-up ones: a SIGHUP rotation signs new challenges with the new key at once,
  // and challenges still outstanding verify while their key stays in the ring.
  const ring = ctx.tokens.ticketRing;
  const refuse = (code: ErrorCode, message: string): PowVerdict => ({
    ok: false,
    code,
    message,
    challenge: issueChallenge(ring, room.config.id, difficulty, now + settings.challengeTtlSeconds * 1000),
  });
  if (!pow) return refuse(ErrorCode.POW_REQUIRED, 'this event asks for proof of work: solve the challenge and join again');
  const check = checkChallenge(ring, pow.c, room.config.id, now);
  if (!check.ok) {
    return check.failure === 'expired'
      ? refuse(ErrorCode.POW_EXPIRED, 'the challenge expired: solve the new one')
      : refuse(ErrorCode.POW_INVALID, 'the challenge is not genuine or not for this event');
  }
  if (!solves(pow.c, pow.n, check.challenge.difficulty)) return refuse(ErrorCode.POW_INVALID, 'the nonce does not solve the challenge');
  const fresh = await ctx.queue.redeemChallenge(room.config.id, check.challenge.id, check.challenge.expiresAt, now);
  if (!fresh) return refuse(ErrorCode.POW_REUSED, 'this challenge was already used: solve the new one');
  return { ok: true };
}
