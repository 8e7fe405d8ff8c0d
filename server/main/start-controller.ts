/**
 * `npm run controller`: the admission controller alone, with no gateway and no
 * reservation handler. Run two or more on the shared Redis store: one leads
 * each event by lease and another takes over when it dies. Configuration:
 * WAITROOM_CONFIG (JSON) and environment, as for the gateway.
 */
import { ConfigError, loadConfig } from '../config/load.js';
import { parseCommandLine } from './command-line.js';
import { CONFIG_ENVIRONMENT, CONFIG_NOTES, run } from './run.js';

parseCommandLine({
  name: 'npm run controller --',
  summary: 'The admission controller alone, on the shared Redis store (STORE=redis); run two or more: one leads each event by lease.',
  env: CONFIG_ENVIRONMENT,
  notes: CONFIG_NOTES,
});

/** A controller alone is only useful when it shares the gateways' store and is switched on. */
function controllerConfig(): ReturnType<typeof loadConfig> {
  const config = loadConfig();
  const problems: string[] = [];
  if (!config.controller.enabled) problems.push('controller.enabled: a controller process needs the controller enabled');
  if (config.store.kind !== 'redis') problems.push('store.kind: a controller process must share the gateways\' store: use "redis" (STORE=redis)');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

await run('waitroom-controller', controllerConfig, { gateway: false, controller: true, reservations: false }, (_system, log) => {
  log.info('controller running');
});
