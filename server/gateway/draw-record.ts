/**
 * The published record of each event's pre-queue draw (shared/http/draw.ts,
 * docs/decisions/005 "Verifiable draw"), from the figures of this node's last
 * tick: the commitment from the store, the seed, nonce and size once drawn.
 * Every gateway answers the same, as the store holds it.
 * `GET /api/draw/:event`; /api/info carries the same `commitment` and `reveal`.
 */
import type { DrawRecord, PublicDraw } from '../../shared/http/draw.js';
import { HttpErrorCode } from '../../shared/http/error-codes.js';
import type { QueueFigures } from '../store/types.js';
import { json } from './admin/responses.js';
import type { GatewayContext } from './context.js';
import type { HttpResponse } from './transport/types.js';

export const DRAW_PATH_PREFIX = '/api/draw/';

export function publicDraw(figures: QueueFigures | null): PublicDraw {
  const commitment = figures?.drawCommitment ?? null;
  const draw = figures?.draw ?? null;
  return {
    commitment: commitment && { hash: commitment.hash, at: commitment.at },
    reveal: draw && commitment?.nonce ? { size: draw.size, seed: draw.seed, nonce: commitment.nonce } : null,
  };
}

export function drawRecord(ctx: GatewayContext, path: string): HttpResponse {
  let eventId: string;
  try {
    eventId = decodeURIComponent(path.slice(DRAW_PATH_PREFIX.length));
  } catch {
    eventId = path.slice(DRAW_PATH_PREFIX.length);
  }
  const room = ctx.room(eventId);
  if (!room) return json(404, { error: { code: HttpErrorCode.UNKNOWN_EVENT, message: `no event "${eventId}"` } });
  const { config, lastFigures } = room;
  return json(
    200,
    {
      event: config.id,
      prequeueOpensAt: config.prequeueOpensAt,
      opensAt: config.opensAt,
      issued: lastFigures?.issued ?? 0,
      ...publicDraw(lastFigures),
    } satisfies DrawRecord,
    // Public, for verifiers on any site.
    { 'access-control-allow-origin': '*' },
  );
}
