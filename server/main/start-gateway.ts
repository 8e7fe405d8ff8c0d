/**
 * `npm run gateway -- [--port N] [--no-controller]`: one production gateway
 * node (with an admission controller that takes the lease when free) on the
 * configured store. Configuration: WAITROOM_CONFIG (JSON) and environment.
 */
import { loadConfig } from '../config/load.js';
import { parseCommandLine } from './command-line.js';
import { CONFIG_ENVIRONMENT, CONFIG_NOTES, run } from './run.js';

const { values } = parseCommandLine({
  name: 'npm run gateway --',
  summary: 'One production gateway node (with an admission controller that takes the lease when free) on the configured store.',
  options: {
    port: { type: 'string', value: 'N', description: 'listen on this port (overrides PORT and gateway.port)' },
    'no-controller': { type: 'boolean', description: 'run no admission controller in this process' },
  },
  env: CONFIG_ENVIRONMENT,
  notes: CONFIG_NOTES,
});
const env = values.port ? { ...process.env, PORT: values.port } : process.env;

await run(
  'waitroom-gateway',
  () => loadConfig({}, env),
  { gateway: true, controller: !values['no-controller'], reservations: false },
  (system, log) => {
    log.info({ url: system.gatewayUrl }, `gateway listening at ${system.gatewayUrl}`);
  },
);
