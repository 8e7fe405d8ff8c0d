/**
 * `npm run reservations -- [--port N]`: the reservation handler alone. It
 * needs only the grant public keys (keys.grant.publicKeys) and the store.
 */
import { loadConfig } from '../config/load.js';
import { parseCommandLine } from './command-line.js';
import { CONFIG_ENVIRONMENT, CONFIG_NOTES, run } from './run.js';

const { values } = parseCommandLine({
  name: 'npm run reservations --',
  summary: 'The reservation handler alone; it needs only the grant public keys (keys.grant.publicKeys) and the store.',
  options: { port: { type: 'string', value: 'N', description: 'listen on this port (overrides RESERVATIONS_PORT and reservations.port)' } },
  env: CONFIG_ENVIRONMENT,
  notes: CONFIG_NOTES,
});
const env = values.port ? { ...process.env, RESERVATIONS_PORT: values.port } : process.env;

await run(
  'waitroom-reservations',
  () => loadConfig({}, env),
  { gateway: false, controller: false, reservations: true },
  (system, log) => {
    log.info({ url: system.reservationsUrl }, `reservation handler listening at ${system.reservationsUrl}`);
  },
);
