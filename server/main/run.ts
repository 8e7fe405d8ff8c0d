/**
 * Shared start-up for the process entry points: config errors exit non-zero, signals stop cleanly.
 * The system (and with it Redis, PostgreSQL and the transports) is imported only when a process
 * starts one, so `--help` and usage mistakes answer without loading it.
 */
import { ConfigError, ENV_PATHS, WHOLE_PART_VARIABLES } from '../config/load.js';
import type { WaitroomConfig } from '../config/schema.js';
import { createLogger, type Logger } from '../observability/log.js';
import { systemClock } from '../clock.js';
import type { Roles, System } from './system.js';

/** The environment a process that loads the configuration reads, for its --help. */
export const CONFIG_ENVIRONMENT: Readonly<Record<string, string>> = {
  ...WHOLE_PART_VARIABLES,
  ...Object.fromEntries(Object.entries(ENV_PATHS).map(([name, path]) => [name, `sets ${path.join('.')}`])),
};
export const CONFIG_NOTES = 'Every configuration field, its default and its variable: docs/configuration.md.';

/** The start-up line naming the transport: a warning, with the reason and the way out, when `auto` fell back to ws. */
function announceTransport(gateway: { transportName: string; transportFallback: string | undefined }, log: Logger, doc: string): void {
  const native = gateway.transportName === 'uws';
  if (gateway.transportFallback === undefined) {
    log.info({ transport: gateway.transportName, native }, `gateway transport: ${native ? 'uWebSockets.js (native binary)' : 'ws (pure Node)'}`);
    return;
  }
  log.warn(
    { transport: gateway.transportName, native, code: 'NATIVE_UWS_UNAVAILABLE', reason: gateway.transportFallback },
    `gateway transport: FALLING BACK to ws (pure Node, slower: fewer connections per core) because ${gateway.transportFallback}. ` +
      `To run on the native uWebSockets.js binary, see ${doc}; set TRANSPORT=ws to choose ws and silence this, or TRANSPORT=uws to refuse to start without the native binary.`,
  );
}

export async function run(name: string, config: () => Readonly<WaitroomConfig>, roles: Roles, announce: (system: System, log: Logger) => void): Promise<void> {
  let log = createLogger('info', name);
  let system: System;
  const [
    { startSystem, reloadKeysOnSignal, reloadOnSignal },
    { NativeUwsUnavailableError, NATIVE_TRANSPORT_DOC },
    { SchemaBehindError },
    { UnsafeDurabilityError, BookingReplicasMissingError },
    { CapacityBelowBookingsError },
  ] = await Promise.all([
    import('./system.js'),
    import('../gateway/transport/uws.js'),
    import('../store/postgres/migrations.js'),
    import('../store/redis/durability.js'),
    import('../events/reload.js'),
  ]);
  try {
    const resolved = config();
    log = createLogger(resolved.logLevel, name);
    system = await startSystem({ config: resolved, clock: systemClock, log, roles });
    if (system.gateway) announceTransport(system.gateway, log, NATIVE_TRANSPORT_DOC);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof NativeUwsUnavailableError ||
      error instanceof UnsafeDurabilityError ||
      error instanceof BookingReplicasMissingError ||
      error instanceof SchemaBehindError ||
      error instanceof CapacityBelowBookingsError
    ) {
      console.error(`${name}: ${error.message}`);
      process.exit(2);
    }
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      `${name}: could not start: ${code === 'EADDRINUSE' ? `${(error as Error).message} (set PORT / RESERVATIONS_PORT to free ports)` : (error as Error).message}`,
    );
    process.exit(1);
  }
  announce(system, log);
  // A second SIGTERM or SIGINT during the drain stops at once: an operator who asks twice means now.
  let phase: 'running' | 'draining' | 'stopping' = 'running';
  const stopNow = () => {
    phase = 'stopping';
    system.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  const stop = (signal: string) => {
    if (phase === 'stopping') return;
    if (phase === 'draining') {
      log.warn({ signal }, 'signalled again while draining: stopping now');
      stopNow();
      return;
    }
    // SIGTERM drains first (decision 023: not ready, clients moved over the drain window); SIGINT stops at once.
    log.info({ signal }, signal === 'SIGTERM' ? 'draining, then stopping' : 'stopping');
    if (signal !== 'SIGTERM') return stopNow();
    phase = 'draining';
    system.drain().then(
      () => phase === 'draining' && stopNow(),
      (error: unknown) => {
        log.error({ err: error }, 'drain failed');
        if (phase === 'draining') stopNow();
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // SIGHUP re-reads the events file and the keys (each process its own copies); it never stops the process.
  // Keys are re-read from the config file (WAITROOM_CONFIG) only: keys given in code (the demo) or as WAITROOM_KEYS stay as they are.
  const rereadKeys = () => (process.env.WAITROOM_CONFIG && !process.env.WAITROOM_KEYS ? config().keys : undefined);
  process.on('SIGHUP', () => {
    reloadKeysOnSignal(system, rereadKeys, log);
    void reloadOnSignal(system, log);
  });
  // Started with --expose-gc (the benchmark does): SIGUSR2 collects garbage and logs the memory after it.
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    process.on('SIGUSR2', () => {
      collect();
      const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
      log.info({ rss, heapTotal, heapUsed, external, arrayBuffers }, 'garbage collected');
    });
  }
}
