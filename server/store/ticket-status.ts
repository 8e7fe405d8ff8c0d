import type { AdmissionStatus } from './types.js';

/**
 * The life of a ticket, as both stores record it (one character each, the
 * same in memory and in Redis; a granted ticket also stores its grant expiry
 * as `g<expiresAt>`).
 *
 *     w waiting, connected ──disconnect──▶ a away (keeps its place for the grace period)
 *     a ──grace over──▶ l left (counted in the leaver buckets)   a/l ──reconnect──▶ w
 *     turn comes: w ──▶ g granted    a ──▶ p passed    l ──▶ x finished
 *     p ──reconnect──▶ r requeued (first in line at the next admission) ──▶ g
 *     g ──booking──▶ u used          w/a/l/r/g ──leave──▶ l or x
 *     w/a/l/p/r/g ──operator revokes──▶ v revoked (terminal; counted as a leaver until
 *     the cursor passes it when it was still ahead of the cursor)
 */
export const Status = {
  WAITING: 'w',
  AWAY: 'a',
  LEFT: 'l',
  PASSED: 'p',
  REQUEUED: 'r',
  GRANTED: 'g',
  USED: 'u',
  FINISHED: 'x',
  REVOKED: 'v',
} as const;

export function grantedStatus(grantExpiresAt: number): string {
  return `${Status.GRANTED}${grantExpiresAt}`;
}

export function grantExpiryOf(status: string): number {
  return Number(status.slice(1));
}

/** What a ticket's status means to a gateway checking whether its turn came (both stores). */
export function admissionStatusOf(status: string | null, now: number): AdmissionStatus {
  switch (status?.[0]) {
    case Status.GRANTED: {
      const grantExpiresAt = grantExpiryOf(status!);
      return grantExpiresAt > now ? { kind: 'admitted', grantExpiresAt } : { kind: 'finished' };
    }
    case Status.WAITING:
    case Status.AWAY:
    case Status.LEFT:
    case Status.REQUEUED:
      return { kind: 'pending' };
    case Status.PASSED:
      return { kind: 'passed' };
    case Status.REVOKED:
      return { kind: 'revoked' };
    case undefined:
      // No status although its turn came: Redis lost this number in a restart while its holder
      // stayed connected (docs/decisions/004). Like a passed ticket, reconnect() requeues it.
      return { kind: 'passed' };
    default:
      return { kind: 'finished' };
  }
}

/**
 * Whether a signed grant of a ticket with this status may still book (both stores): not once it left,
 * finished, was used or was revoked. Any other status books, also none at all (an admission lost in a
 * Redis restart, docs/decisions/004).
 */
export function stillBooks(status: string | null | undefined): boolean {
  const kind = status?.[0];
  return kind !== Status.LEFT && kind !== Status.FINISHED && kind !== Status.USED && kind !== Status.REVOKED;
}
