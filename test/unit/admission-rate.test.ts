/**
 * The rate the controller publishes for ETAs (tick `r`, docs/protocol.md §4.3)
 * across a pre-queue: steps before the opening admit nobody by design, so they
 * say nothing about the queue's speed and must not drag the estimate to 0.
 * Real controller, real memory store, a FakeClock stepped once a second.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../server/clock.js';
import { demoEvent } from '../../server/config/demo.js';
import { EventConfig } from '../../server/config/event-schema.js';
import { createControllerMetrics } from '../../server/observability/metrics.js';
import { silentLogger } from '../../server/observability/log.js';
import { AdmissionController } from '../../server/queue/admission-controller.js';
import { createMemoryStores } from '../../server/store/memory/index.js';

describe('AdmissionController rate across a pre-queue', () => {
  it('publishes the configured rate at the opening after a long pre-queue, and a non-zero rate once admitting', async () => {
    const clock = new FakeClock();
    const opensAt = clock.now() + 60_000;
    const event = EventConfig.parse({
      ...demoEvent(clock.now()),
      prequeueOpensAt: clock.now() - 1000,
      opensAt,
      maxActive: 1000,
      admitsPerMinute: 120,
    });
    const stores = createMemoryStores(() => 7);
    const controller = new AdmissionController({
      holderId: 'test',
      store: stores.queue,
      clock,
      events: () => [event],
      leaseMs: 5000,
      nodeTimeoutMs: 3_600_000,
      maxStepsPerTick: 100,
      metrics: createControllerMetrics(new Registry()),
      log: silentLogger,
    });
    await stores.queue.joinBatch(event.id, 500, clock.now(), 1, opensAt);
    // One minute of pre-queue: 60 steps in which people wait and nobody may be admitted.
    for (let s = 0; s < 60; s++, clock.advance(1000)) await controller.tick();
    const before = await stores.queue.figures(event.id, clock.now(), 1);
    expect(before.draw).toBeNull();
    expect(before.ratePerMinute).toBe(120);
    // The opening step draws and admits; the figures published with it carry the configured rate.
    await controller.tick();
    const opened = await stores.queue.figures(event.id, clock.now(), 1);
    expect(opened.draw).not.toBeNull();
    expect(opened.cursor).toBeGreaterThan(0);
    expect(opened.ratePerMinute).toBe(120);
    // Ten seconds on, the measured rate (2 a second) has replaced it, close to the configured one.
    for (let s = 0; s < 10; s++) (clock.advance(1000), await controller.tick());
    const later = await stores.queue.figures(event.id, clock.now(), 1);
    expect(later.ratePerMinute).toBeGreaterThan(100);
    expect(later.ratePerMinute).toBeLessThanOrEqual(120);
    await controller.stop();
    await stores.close();
  });
});
