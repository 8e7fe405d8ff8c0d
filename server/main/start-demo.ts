/**
 * `npm start`: everything in one process on the in-memory store, with a demo
 * event open now. Builds the pages first when they are missing or stale.
 */
import { demoEvent } from '../config/demo.js';
import { generateKeys } from '../config/keys.js';
import { loadConfig } from '../config/load.js';
import { buildPagesIfStale } from './build-pages.js';
import { run } from './run.js';

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
