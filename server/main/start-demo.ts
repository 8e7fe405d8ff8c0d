/**
 * `npm start`: everything in one process on the in-memory store, with a demo
 * event open now. Builds the pages first when they are missing or stale.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { demoEvent } from '../config/demo.js';
import { generateKeys } from '../config/keys.js';
import { loadConfig } from '../config/load.js';
import { run } from './run.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

async function buildPagesIfStale(): Promise<void> {
  const built = 'dist/client/index.html';
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(newestMtime('client'), newestMtime('shared'))) return;
  console.log('building the pages (vite)…');
  const { build } = await import('vite');
  await build({ configFile: 'client/vite.config.ts', logLevel: 'warn' });
}

await buildPagesIfStale();
await run('waitroom-demo', () => loadConfig({ nodeId: 'demo', keys: generateKeys(), events: [demoEvent(Date.now())] }), { gateway: true, controller: true, reservations: true }, (system) => {
  const url = system.gatewayUrl!;
  console.log(
    [
      '',
      'Waitroom demo is running (in-memory store, demo event open now).',
      `  waiting page         ${url}/`,
      `  WebSocket            ${url.replace(/^http/, 'ws')}/ws`,
      `  health               ${url}/healthz`,
      `  metrics              ${url}/metrics`,
      `  reservation handler  ${system.reservationsUrl}/api/events/demo/availability`,
      'Open the waiting page in a few tabs to watch them queue. Ctrl-C stops.',
      '',
    ].join('\n'),
  );
});
