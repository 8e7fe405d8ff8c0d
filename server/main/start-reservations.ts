/**
 * `npm run reservations -- [--port N]`: the reservation handler alone. It
 * needs only the grant public keys (keys.grant.publicKeys) and the store.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { run } from './run.js';

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const env = values.port ? { ...process.env, RESERVATIONS_PORT: values.port } : process.env;

await run(
  'waitroom-reservations',
  () => loadConfig({}, env),
  { gateway: false, controller: false, reservations: true },
  (system, log) => {
    log.info({ url: system.reservationsUrl }, `reservation handler listening at ${system.reservationsUrl}`);
  },
);
