/**
 * `npm run gateway -- [--port N] [--no-controller]`: one production gateway
 * node (with an admission controller that takes the lease when free) on the
 * configured store. Configuration: WAITROOM_CONFIG (JSON) and environment.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { run } from './run.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, 'no-controller': { type: 'boolean', default: false } } });
const env = values.port ? { ...process.env, PORT: values.port } : process.env;

await run(
  'waitroom-gateway',
  () => loadConfig({}, env),
  { gateway: true, controller: !values['no-controller'], reservations: false },
  (system, log) => {
    log.info({ url: system.gatewayUrl }, `gateway listening at ${system.gatewayUrl}`);
  },
);
