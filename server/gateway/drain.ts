/**
 * A gateway's drain (decision 023): on SIGTERM the node stops being ready, refuses
 * new upgrades with 503 (a load balancer tries another node), and closes its
 * clients with MOVING a batch at a time, spread evenly over the drain window, so
 * a rolling restart sends at most connections/window resumes a second to the
 * others. Each close asks its client to wait a random part of one batch step, so
 * even a batch does not arrive elsewhere in one millisecond.
 */
import { CloseCode, moveReason } from '../../shared/protocol/index.js';
import type { HttpResponse } from './transport/types.js';

/** Clients are closed this often during a drain. */
export const DRAIN_STEP_MS = 100;

export const NODE_DRAINING = 'NODE_DRAINING';

/** The answer to an upgrade (or a probe) while the node drains: 503, so a load balancer goes elsewhere. */
export function drainingRefusal(): HttpResponse {
  return {
    status: 503,
    headers: { 'content-type': 'application/json', 'retry-after': '1', connection: 'close' },
    body: JSON.stringify({ error: { code: NODE_DRAINING, message: 'this node is draining for a restart; connect to another' } }),
  };
}

export interface Closable {
  close(code: CloseCode, reason: string): void;
}

export interface DrainPlan {
  /** Clients to close at each step (the last step takes what is left). */
  perStep: number;
  steps: number;
}

/** How many to close per step so `count` clients are gone by the end of `windowMs`. */
export function drainPlan(count: number, windowMs: number): DrainPlan {
  const steps = Math.max(1, Math.floor(windowMs / DRAIN_STEP_MS));
  return { perStep: Math.ceil(count / steps), steps };
}

/**
 * Closes `clients` (a snapshot taken when the drain began) with MOVING over
 * `windowMs`; resolves once all are closed, or at once when `abort` is asked.
 */
export function drainClients(clients: readonly Closable[], windowMs: number, random: () => number = Math.random): { done: Promise<void>; abort(): void } {
  const { perStep } = drainPlan(clients.length, windowMs);
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  let finish = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const step = () => {
    for (const end = Math.min(clients.length, next + perStep); next < end; next++) clients[next]!.close(CloseCode.MOVING, moveReason(random() * DRAIN_STEP_MS));
    if (next >= clients.length) {
      clearInterval(timer);
      finish();
    }
  };
  timer = setInterval(step, DRAIN_STEP_MS);
  step();
  return {
    done,
    abort() {
      clearInterval(timer);
      finish();
    },
  };
}
