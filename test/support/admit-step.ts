/** A controller step for store tests: generous limits at `now`, overridden per case. */
import type { AdmitStep } from '../../server/store/types.js';

export function admitStep(now: number, overrides: Partial<AdmitStep> = {}): AdmitStep {
  return {
    now,
    holder: 'controller-a',
    leaseMs: 5000,
    nodeTimeoutMs: 5000,
    reapDeadNodes: true,
    admitting: true,
    opensAt: 0,
    maxActive: 1000,
    admitsPerMinute: 60_000,
    graceMs: 30_000,
    grantTtlMs: 600_000,
    maxSteps: 10_000,
    ratePerMinute: 0,
    ...overrides,
  };
}
