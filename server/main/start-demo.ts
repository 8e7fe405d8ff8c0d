/**
 * `npm start`: everything in one process on the in-memory store, with a demo
 * event open now (or the events of EVENTS_FILE) and one operator account whose password is drawn at each
 * start and printed. Builds the pages first when they are missing or stale.
 */
import { randomBytes } from 'node:crypto';
import { demoEvent } from '../config/demo.js';
import { generateKeys } from '../config/keys.js';
import { loadConfig } from '../config/load.js';
import { hashPassword } from '../operators/passwords.js';
import { buildPagesIfStale } from './build-pages.js';
import { demoBanner } from './demo-banner.js';
import { parseCommandLine } from './command-line.js';
import { CONFIG_ENVIRONMENT, CONFIG_NOTES, run } from './run.js';

parseCommandLine({
  name: 'npm start --',
  summary: 'The whole system in one process on the in-memory store, with a demo event open now (or the events of EVENTS_FILE).',
  env: CONFIG_ENVIRONMENT,
  notes: CONFIG_NOTES,
});
await buildPagesIfStale();
const password = randomBytes(9).toString('base64url');
const operators = [{ name: 'operator', role: 'operator', passwordHash: await hashPassword(password) }];
/** Where the events came from, for the banner: set by each load (an events file replaces the demo event). */
let eventsFile: string | undefined;
const config = () => {
  // One process on a memory store: no other gateway to move clients to, so SIGTERM stops at once (decision 023).
  const loaded = loadConfig({ nodeId: 'demo', keys: generateKeys(), events: [demoEvent(Date.now())], operators, gateway: { drainSeconds: 0 } });
  eventsFile = loaded.eventsFile;
  return loaded;
};
await run('waitroom-demo', config, { gateway: true, controller: true, reservations: true }, (system) => {
  console.log(demoBanner({ gatewayUrl: system.gatewayUrl!, reservationsUrl: system.reservationsUrl, password, events: system.events.current(), eventsFile }));
});
