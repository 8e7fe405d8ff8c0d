/** The seed of a pre-queue draw: unpredictable until the opening, when it is drawn (docs/decisions/005). */
import { randomInt } from 'node:crypto';

export function randomDrawSeed(): number {
  return randomInt(2 ** 32);
}
