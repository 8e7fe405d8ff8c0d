/** What a gateway hands off, from the gateways' presence reports (server/gateway/rebalance.ts, decision 028). */
import { describe, expect, it } from 'vitest';
import { planHandOff, type HandOffOptions } from '../../server/gateway/rebalance.js';
import type { NodePresence } from '../../server/store/types.js';

const NOW = 1_000_000;
const options: HandOffOptions = { now: NOW, nodeTimeoutMs: 5000, marginPercent: 10, movesPerSecond: 60, inFlight: 0 };
const report = (node: number, connections: number, extra: Partial<NodePresence> = {}): NodePresence => ({
  node,
  name: `gw-${node}`,
  connections,
  lastSeenAt: NOW - 500,
  ...extra,
});

describe('planHandOff', () => {
  it('hands off down to the share plus the margin, its part of the rate among those above', () => {
    const reports = [report(1, 1500), report(2, 1500), report(3, 0)];
    expect(planHandOff(reports, 1, 1500, options)).toMatchObject({ excess: 400, ratePerSecond: 30, total: 3000 });
  });

  it('moves nobody within the margin, nor while any gateway drains, nor alone', () => {
    expect(planHandOff([report(1, 1090), report(2, 1000), report(3, 910)], 1, 1090, options).excess).toBe(0);
    expect(planHandOff([report(1, 1500), report(2, 1500), report(3, 0, { draining: true })], 1, 1500, options).excess).toBe(0);
    expect(planHandOff([report(1, 1500)], 1, 1500, options).excess).toBe(0);
  });

  it('comes down to the share while another is below the band', () => {
    // Share 1000: 1100 is inside the band, but 800 is below 900.
    const plan = planHandOff([report(1, 1100), report(2, 1100), report(3, 800)], 1, 1100, options);
    expect(plan).toMatchObject({ excess: 100, ratePerSecond: 30 });
  });

  it('leaves out silent gateways and older reports of the same name; counts its own as the lower of now and its report', () => {
    const reports = [report(1, 2000), report(9, 5000, { name: 'gw-2', lastSeenAt: NOW - 60_000 }), report(2, 0), report(7, 900, { lastSeenAt: NOW - 6000 })];
    // Held 2000 at its last report, 1400 now (it handed some off, 600 in flight): share (1400 + 0 + 600) / 2.
    expect(planHandOff(reports, 1, 1400, { ...options, inFlight: 600 })).toMatchObject({ excess: 300, total: 2000 });
    // Clients arriving: it holds more than it last reported, as the others do; its report is compared with theirs.
    expect(planHandOff([report(1, 500), report(2, 500)], 1, 700, options).excess).toBe(0);
  });

  it('says which gateways report and which drain, so a change restarts the settling', () => {
    const before = planHandOff([report(1, 10), report(2, 10)], 1, 10, options).membership;
    const draining = planHandOff([report(1, 10), report(2, 10, { draining: true })], 1, 10, options).membership;
    const added = planHandOff([report(1, 10), report(2, 10), report(3, 0)], 1, 10, options).membership;
    expect(new Set([before, draining, added]).size).toBe(3);
  });
});
