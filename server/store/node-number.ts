import { randomInt } from 'node:crypto';
import type { NodeNumber } from './types.js';

/**
 * A fresh NodeNumber for this process start: random below 2^48 (exact as a
 * Redis sorted-set score), so a restarted process never inherits the tickets a
 * dead one held, and two processes collide with negligible odds.
 */
export function newNodeNumber(): NodeNumber {
  return randomInt(1, 2 ** 48);
}
