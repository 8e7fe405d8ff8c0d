/**
 * A warning that repeats while a dependency stays away (every booking's queue
 * release during a Redis outage, every reconnect attempt) is logged once per
 * interval, with how many like it were held back since the last one.
 */
import type { Logger } from './log.js';

export type Warn = (fields: Record<string, unknown>, message: string) => void;

export function throttledWarn(log: Logger, intervalMs: number, now: () => number = Date.now): Warn {
  let lastLogged = -Infinity;
  let heldBack = 0;
  return (fields, message) => {
    const at = now();
    if (at - lastLogged < intervalMs) {
      heldBack++;
      return;
    }
    lastLogged = at;
    log.warn(heldBack > 0 ? { ...fields, heldBack } : fields, message);
    heldBack = 0;
  };
}
