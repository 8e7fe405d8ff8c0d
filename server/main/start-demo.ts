/**
 * `npm start`: everything in one process on the in-memory store, with a demo
 * event open now and one operator account whose password is drawn at each
 * start and printed. Builds the pages first when they are missing or stale.
 */
import { randomBytes } from 'node:crypto';
import { demoEvent } from '../config/demo.js';
import { generateKeys } from '../config/keys.js';
import { loadConfig } from '../config/load.js';
import { hashPassword } from '../operators/passwords.js';
import { buildPagesIfStale } from './build-pages.js';
import { run } from './run.js';

await buildPagesIfStale();
const password = randomBytes(9).toString('base64url');
const operators = [{ name: 'operator', role: 'operator', passwordHash: await hashPassword(password) }];
await run('waitroom-demo', () => loadConfig({ nodeId: 'demo', keys: generateKeys(), events: [demoEvent(Date.now())], operators }), { gateway: true, controller: true, reservations: true }, (system) => {
  const url = system.gatewayUrl!;
  console.log(
    [
      '',
      'Waitroom demo is running (in-memory store, demo event open now).',
      `  waiting page         ${url}/`,
      `  booking page         ${url}/book/  (the waiting page moves there when the turn comes)`,
      `  kiosk display        ${url}/kiosk/?event=demo&center=seoul-central`,
      `  operator console     ${url}/console/  (sign in as "operator", password ${password})`,
      `  SDK for other sites  ${url}/sdk/waitroom.js`,
      `  WebSocket            ${url.replace(/^http/, 'ws')}/ws`,
      `  health               ${url}/healthz`,
      `  metrics              ${url}/metrics`,
      `  reservation handler  ${system.reservationsUrl}/api/events/demo/availability`,
      'Open the waiting page in a few tabs to watch them queue. Ctrl-C stops.',
      '',
    ].join('\n'),
  );
});
