/**
 * `npm run bench:pages`: the waiting page's weight and speed on a slow phone
 * network (issue 16 §5). Starts a gateway with one paused event (memory
 * store), opens `/?event=ev` in headless Chromium throttled through CDP
 * (400 kbit/s down and up, 400 ms round trip), and records the bytes each
 * HTTP resource took on the wire (compressed as sent) and the time from
 * navigation to the place (people ahead and ticket number) on screen: the
 * median of RUNS cold visits (cache disabled) and of RUNS repeat visits with
 * the cache warm (what ETag and immutable assets save). Writes
 * bench/results/pages-latest.json. Not part of `npm test`.
 *
 *   npm run bench:pages -- [--runs 5] [--out bench/results/pages-latest.json]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { buildPagesIfStale } from '../server/main/build-pages.js';
import { parseCommandLine } from '../server/main/command-line.js';
import { launchBrowser, newContext, PHONE } from '../test/support/browser.js';
import { startTestSystem } from '../test/support/system.js';

const { values } = parseCommandLine({
  name: 'npm run bench:pages --',
  summary: 'The waiting page in Chromium at 400 kbit/s and 400 ms round trip: bytes on the wire and time to the place shown, cold and repeat visits.',
  options: {
    runs: { type: 'string', value: 'N', default: '5', description: 'visits of each kind (the median is reported)' },
    out: { type: 'string', value: 'FILE', default: 'bench/results/pages-latest.json', description: 'where the figures are written' },
    trace: { type: 'boolean', description: "print the first cold visit's timeline: each request, response and WebSocket frame, in ms from navigation" },
  },
});
const RUNS = Number(values.runs);

/** 400 kbit/s each way and 400 ms round trip: a crowded 3G cell. CDP takes bytes per second. */
export const SLOW_PHONE = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };

interface Visit {
  ms: number;
  /** What the network did when, in ms from navigation (printed with --trace). */
  timeline: string[];
  totalBytes: number;
  resources: { url: string; status: number; bytes: number }[];
}

/** One visit of the waiting page in `context`: bytes per HTTP resource and the time until the place is shown. */
async function visit(context: BrowserContext, url: string, cache: boolean): Promise<Visit> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: !cache });
  await cdp.send('Network.emulateNetworkConditions', SLOW_PHONE);
  const seen = new Map<string, { url: string; status: number; bytes: number }>();
  const timeline: string[] = [];
  const mark = (what: string) => timeline.push(`${String(Math.round(performance.now() - started)).padStart(6)} ms  ${what}`);
  cdp.on('Network.requestWillBeSent', ({ request }) => mark(`request ${new URL(request.url).pathname}`));
  cdp.on('Network.responseReceived', ({ requestId, response, type }) => {
    mark(`response ${response.status} ${new URL(response.url).pathname}`);
    if (type !== 'WebSocket') seen.set(requestId, { url: new URL(response.url).pathname, status: response.status, bytes: 0 });
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const entry = seen.get(requestId);
    if (entry) entry.bytes = encodedDataLength;
    if (entry) mark(`loaded ${entry.url} (${encodedDataLength} B)`);
  });
  cdp.on('Network.webSocketCreated', ({ url: wsUrl }) => mark(`WebSocket ${new URL(wsUrl).pathname}`));
  cdp.on('Network.webSocketHandshakeResponseReceived', () => mark('WebSocket open'));
  cdp.on('Network.webSocketFrameSent', ({ response }) => mark(`frame sent (${response.payloadData.length} chars)`));
  cdp.on('Network.webSocketFrameReceived', ({ response }) => mark(`frame received (${response.payloadData.length} chars)`));
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(
    () => Boolean(document.querySelector('[data-testid="people-ahead"]')?.textContent && document.querySelector('[data-testid="ticket-no"]')?.textContent),
    undefined,
    { timeout: 60_000, polling: 20 },
  );
  const ms = Math.round(performance.now() - started);
  mark('place shown');
  await page.waitForLoadState('load');
  await page.close();
  const resources = [...seen.values()].sort((a, b) => b.bytes - a.bytes);
  return { ms, timeline, totalBytes: resources.reduce((sum, r) => sum + r.bytes, 0), resources };
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function summary(visits: Visit[]): { medianMs: number; runsMs: number[]; medianBytes: number; resources: Visit['resources'] } {
  return {
    medianMs: median(visits.map((v) => v.ms)),
    runsMs: visits.map((v) => v.ms),
    medianBytes: median(visits.map((v) => v.totalBytes)),
    resources: visits[0]!.resources,
  };
}

await buildPagesIfStale();
const system = await startTestSystem({
  events: [
    {
      id: 'ev',
      title: 'Bench event',
      opensAt: Date.now() - 60_000,
      closesAt: Date.now() + 3_600_000,
      maxActive: 1,
      admitsPerMinute: 60,
      grantTtlSeconds: 600,
      graceSeconds: 30,
      centers: [{ id: 'c1', name: 'Center', slots: [{ id: 's1', label: '09:00', capacity: 1000 }] }],
    },
  ],
});
const browser = await launchBrowser();
try {
  // Paused, so every visit waits with a place rather than being admitted at once.
  await system.stores.queue.setPaused('ev', true);
  const url = `${system.gatewayUrl}/?event=ev`;
  const cold: Visit[] = [];
  const warm: Visit[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await newContext(browser, { viewport: PHONE });
    cold.push(await visit(context, url, false));
    await visit(context, url, true); // fills the cache
    warm.push(await visit(context, url, true));
    await context.close();
    console.log(`run ${run + 1}/${RUNS}: cold ${cold.at(-1)!.ms} ms ${cold.at(-1)!.totalBytes} B, warm ${warm.at(-1)!.ms} ms ${warm.at(-1)!.totalBytes} B`);
  }
  const result = { date: new Date().toISOString(), network: SLOW_PHONE, runs: RUNS, cold: summary(cold), warm: summary(warm) };
  await mkdir(dirname(values.out!), { recursive: true });
  await writeFile(values.out!, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`cold: median ${result.cold.medianMs} ms to the place, ${result.cold.medianBytes} B on the wire`);
  for (const r of result.cold.resources) console.log(`  ${String(r.bytes).padStart(7)} B  ${r.status}  ${r.url}`);
  console.log(`warm: median ${result.warm.medianMs} ms, ${result.warm.medianBytes} B`);
  for (const r of result.warm.resources) console.log(`  ${String(r.bytes).padStart(7)} B  ${r.status}  ${r.url}`);
  if (values.trace) console.log(`first cold visit:\n${cold[0]!.timeline.join('\n')}`);
  console.log(`written to ${values.out}`);
} finally {
  await browser.close();
  await system.stop();
}
