/**
 * The drain's pacing (server/gateway/drain.ts) and the MOVING reason
 * (shared/protocol/codes.ts): clients are closed in equal batches, one per
 * step, all by the window's end; each close names a delay within one step; a
 * client reads the delay back and never waits longer than the cap, whatever the reason says.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { drainClients, drainPlan, DRAIN_STEP_MS } from '../../server/gateway/drain.js';
import { CloseCode, MAX_MOVE_DELAY_MS, moveDelayMs, moveReason } from '../../shared/protocol/codes.js';

describe('drainPlan', () => {
  it('spreads the clients over the window, one batch per step', () => {
    expect(drainPlan(300, 3000)).toEqual({ perStep: 10, steps: 30 });
    expect(drainPlan(16_700, 30_000)).toEqual({ perStep: 56, steps: 300 });
    expect(drainPlan(1, 30_000)).toEqual({ perStep: 1, steps: 300 });
    expect(drainPlan(5, 50)).toEqual({ perStep: 5, steps: 1 });
  });
});

describe('drainClients', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('closes every client with MOVING, a batch per step, by the end of the window', async () => {
    const closes: { at: number; code: number; reason: string }[] = [];
    const clients = Array.from({ length: 25 }, () => ({ close: (code: number, reason: string) => closes.push({ at: Date.now(), code, reason }) }));
    const startedAt = Date.now();
    const moving = drainClients(clients, 500);
    await vi.advanceTimersByTimeAsync(500);
    await moving.done;
    expect(closes).toHaveLength(25);
    expect(new Set(closes.map((c) => c.code))).toEqual(new Set([CloseCode.MOVING]));
    for (const { reason } of closes) expect(moveDelayMs(reason)).toBeLessThan(DRAIN_STEP_MS);
    // 5 steps of 5, the first at once: the last batch goes one step before the window ends.
    expect(closes.map((c) => c.at - startedAt)).toEqual([0, 100, 200, 300, 400].flatMap((at) => Array<number>(5).fill(at)));
  });

  it('names a delay below one step even when the random draw is all but 1 (it once rounded up to a whole step)', async () => {
    const reasons: string[] = [];
    const moving = drainClients([{ close: (_code: number, reason: string) => void reasons.push(reason) }], 500, () => 0.9999);
    await moving.done;
    expect(moveDelayMs(reasons[0])).toBe(DRAIN_STEP_MS - 1);
  });

  it('stops closing when aborted', async () => {
    let closed = 0;
    const moving = drainClients(
      Array.from({ length: 100 }, () => ({ close: () => void closed++ })),
      10_000,
    );
    moving.abort();
    await moving.done;
    await vi.advanceTimersByTimeAsync(3 * DRAIN_STEP_MS);
    expect(closed).toBe(1);
  });
});

describe('the MOVING reason', () => {
  it('carries the delay and is read back; a malformed or huge one waits the cap', () => {
    expect(moveDelayMs(moveReason(42.4))).toBe(42);
    expect(moveDelayMs(moveReason(-5))).toBe(0);
    expect(moveDelayMs('moving; retry-in-ms=999999999')).toBe(MAX_MOVE_DELAY_MS);
    for (const bad of ['', 'moving', 'retry-in-ms=abc', undefined, 12, null]) expect(moveDelayMs(bad)).toBe(MAX_MOVE_DELAY_MS);
    expect(Buffer.byteLength(moveReason(MAX_MOVE_DELAY_MS))).toBeLessThanOrEqual(123);
  });
});
