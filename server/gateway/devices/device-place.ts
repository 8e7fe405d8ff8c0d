/**
 * One place per device (docs/protocol.md §2.1): a join carrying a device key
 * gets the place that device already holds in the event, if it still waits,
 * or else a new one. The store decides atomically, so ten tabs opened at once,
 * over any number of gateways, get one place.
 */
import { createHash } from 'node:crypto';
import type { ReconnectOutcome } from '../../store/types.js';
import type { EventRoom, GatewayServices } from '../context.js';

export type DeviceOutcome =
  /** A new place, issued for this join. */
  | { kind: 'fresh'; ticketNo: number; issuedAt: number }
  /** The device's place, bound to the same secret: handed over to this connection (`outcome` as for a resume). */
  | { kind: 'held'; ticketNo: number; issuedAt: number; outcome: ReconnectOutcome }
  /** The device's place is bound to another secret: the client must resume the ticket it stored. */
  | { kind: 'other_secret' };

/** Places whose ticket is gone this way are forgotten, and the device joins anew. */
const GONE: ReadonlySet<ReconnectOutcome['kind']> = new Set(['left', 'unknown']);

/**
 * What the store binds a device's place to: the secret hash and the possession key together (43 characters,
 * as a secret hash), so a join that shows the ticket's `sh` and `pk` but was made with other keys does not match.
 */
export function deviceBinding(secretHash: string, pk: string): string {
  return createHash('sha256').update(`${secretHash}.${pk}`).digest('base64url');
}

export async function placeForDevice(
  ctx: GatewayServices,
  room: EventRoom,
  joining: { deviceHash: string; secretHash: string; pk: string },
): Promise<DeviceOutcome> {
  const event = room.config;
  const join = { deviceHash: joining.deviceHash, secretHash: deviceBinding(joining.secretHash, joining.pk) };
  // A gone place is released and the join tried again, once: a second gone place would be another tab's doing.
  for (let attempt = 0; ; attempt++) {
    const now = ctx.clock.now();
    const expiresAt = now + event.ticketTtlSeconds * 1000;
    const place = await ctx.queue.joinDevice(event.id, { ...join, expiresAt }, now, ctx.node, event.opensAt);
    if (place.fresh) return { kind: 'fresh', ticketNo: place.ticketNo, issuedAt: place.issuedAt };
    if (place.secretHash !== join.secretHash) return { kind: 'other_secret' };
    const outcome = await ctx.queue.reconnect(event.id, place.ticketNo, now, ctx.node);
    if (!GONE.has(outcome.kind) || attempt > 0) return { kind: 'held', ticketNo: place.ticketNo, issuedAt: place.issuedAt, outcome };
    await ctx.queue.releaseDevice(event.id, join.deviceHash, place.ticketNo);
  }
}
