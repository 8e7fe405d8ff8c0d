/**
 * A kiosk runs for days: 10,000 updates must leave its JS heap (after GC)
 * within 1 MB of where it stood after the first 1,000, with the same number
 * of DOM nodes and event listeners. The updates go through the page's own
 * path (window.__kiosk.apply: the same checks and rendering a poll uses),
 * built from a real /api/kiosk answer with every figure varied, while the
 * page keeps polling the real gateway. Measured through Chrome's DevTools
 * protocol: HeapProfiler.collectGarbage, Runtime.getHeapUsage, Performance.getMetrics.
 */
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, pageErrors } from '../support/browser.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import type { Browser } from 'playwright-core';

const HEAP_BOUND_BYTES = 1024 * 1024;
const WARM_UP = 1000;
const TOTAL = 10_000;
const EVENT = testEvent({
  centers: [{ id: 'c1', name: 'Center one', slots: Array.from({ length: 8 }, (_, k) => ({ id: `s${k}`, label: `${9 + k}:00`, capacity: 100 + k })) }],
});

interface Usage {
  heapBytes: number;
  nodes: number;
  listeners: number;
}

async function usageAfterGc(cdp: CDPSession): Promise<Usage> {
  // Twice: the first pass can leave objects that only a second one frees (weak references, finalizers).
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  return { heapBytes: heap.usedSize, nodes: metric('Nodes'), listeners: metric('JSEventListeners') };
}

/** Applies updates number `from` … `from + count - 1`, each a variation of `template`; returns the waiting count shown after the last. */
function applyUpdates(page: Page, template: unknown, from: number, count: number): Promise<string> {
  return page.evaluate(
    async ({ template, from, count }) => {
      const base = template as { now: number; center: { slots: { capacity: number }[] } };
      const states = ['open', 'open', 'paused', 'open', 'prequeue', 'closed'];
      for (let k = from; k < from + count; k++) {
        const update = {
          ...base,
          now: base.now + k * 2000,
          event: { ...(template as { event: object }).event, state: states[k % states.length] },
          waiting: 1_000_000 - k * 37,
          admittedPerMinute: (k % 50) * 3.7,
          estimatedWaitSeconds: k % 9 === 0 ? null : (k * 13) % 20_000,
          center: { ...base.center, slots: base.center.slots.map((slot, s) => ({ ...slot, remaining: (k * (s + 1)) % (slot.capacity + 1) })) },
        };
        window.__kiosk!.apply(update);
        // Read before yielding: a real poll may land during the pause.
        if (k === from + count - 1) return document.querySelector('[data-testid="kiosk-waiting"]')!.textContent!;
        // Let the page lay out and paint now and then, as it would between polls.
        if (k % 100 === 99) await new Promise(requestAnimationFrame);
      }
      return '';
    },
    { template, from, count },
  );
}

describe('kiosk memory over 10,000 updates (real Chromium)', () => {
  let system: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    system = await startTestSystem({ events: [EVENT] });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it(`keeps the heap within ${HEAP_BOUND_BYTES / 1024} KiB and the DOM and listeners constant`, async () => {
    const page = await (await newContext(browser, { viewport: { width: 1920, height: 1080 } })).newPage();
    const errors = pageErrors(page);
    await page.goto(`${system.gatewayUrl}/kiosk/?event=ev&center=c1`);
    await page.locator('[data-testid="kiosk"][data-stale="false"]').waitFor({ timeout: 10_000 });
    const template = (await (await fetch(`${system.gatewayUrl}/api/kiosk?event=ev&center=c1`)).json()) as unknown;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');

    await applyUpdates(page, template, 0, WARM_UP);
    const warm = await usageAfterGc(cdp);
    const shown = await applyUpdates(page, template, WARM_UP, TOTAL - WARM_UP);
    const done = await usageAfterGc(cdp);
    console.log(
      `kiosk memory: heap ${(warm.heapBytes / 1024).toFixed(0)} KiB after ${WARM_UP} updates, ${(done.heapBytes / 1024).toFixed(0)} KiB after ${TOTAL} ` +
        `(${((done.heapBytes - warm.heapBytes) / 1024).toFixed(1)} KiB); nodes ${warm.nodes} → ${done.nodes}; listeners ${warm.listeners} → ${done.listeners}`,
    );

    // The last update was really applied (it shows), so the bound is about real work.
    expect(shown).toBe((1_000_000 - (TOTAL - 1) * 37).toLocaleString('en-US'));
    expect(done.heapBytes - warm.heapBytes).toBeLessThan(HEAP_BOUND_BYTES);
    expect(done.nodes).toBe(warm.nodes);
    expect(done.listeners).toBe(warm.listeners);
    expect(errors).toEqual([]);
  });
});
