/** A whole Waitroom system in the test process: real sockets on free ports, a chosen store and transport. */
import type { z } from 'zod';
import { FakeClock, systemClock, type Clock } from '../../server/clock.js';
import type { EventConfig } from '../../server/config/event-schema.js';
import { generateKeys } from '../../server/config/keys.js';
import { parseConfig } from '../../server/config/load.js';
import { startSystem, type System } from '../../server/main/system.js';
import { silentLogger, type Logger } from '../../server/observability/log.js';
import type { Stores } from '../../server/store/types.js';
import type { TransportChoice } from '../../server/gateway/transport/index.js';
import { TEST_REDIS_URL, uniquePrefix } from './redis.js';

export type EventInput = z.input<typeof EventConfig>;

export function testEvent(overrides: Partial<EventInput> = {}, now = Date.now()): EventInput {
  return {
    id: 'ev',
    title: 'Test event',
    opensAt: now - 60_000,
    closesAt: now + 3600_000,
    maxActive: 10,
    admitsPerMinute: 60_000,
    grantTtlSeconds: 600,
    graceSeconds: 30,
    centers: [{ id: 'c1', name: 'Center one', slots: [{ id: 's1', label: '09:00', capacity: 1000 }] }],
    ...overrides,
  };
}

/**
 * Tests' ordinary clients all come from 127.0.0.1, hundreds or thousands of them: to the per-address limits
 * that address is one big carrier-grade NAT. The limits tests flood from 127.0.0.2 and up, which keep the defaults.
 */
export const TEST_CLIENTS_NAT = { cidr: '127.0.0.1/32', maxConnections: 1_000_000, joinsPerMinute: 1_000_000, keylessJoinsPerMinute: 1_000_000 };

export interface TestSystemOptions {
  store?: 'memory' | 'redis';
  transport?: TransportChoice;
  events?: EventInput[];
  clock?: Clock;
  tickMs?: number;
  /** Share these stores (and their key prefix) instead of opening new ones. */
  stores?: Stores;
  gateway?: Record<string, unknown>;
  controller?: Record<string, unknown>;
  /** Keys shared by the nodes of one deployment (default: fresh ones). */
  keys?: ReturnType<typeof generateKeys>;
  /** More top-level config (operators, auditLogFile, admin, eventsFile: then `events` is left out). */
  config?: Record<string, unknown>;
  log?: Logger;
}

export interface TestSystem extends System {
  wsUrl: string;
  clock: Clock;
  config: ReturnType<typeof parseConfig>;
}

export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const clock = options.clock ?? systemClock;
  const config = parseConfig({
    nodeId: `test-${process.pid}`,
    logLevel: 'silent',
    gateway: {
      port: 0,
      transport: options.transport ?? 'auto',
      tickMs: options.tickMs ?? 50,
      staticDir: 'dist/client',
      natRanges: [TEST_CLIENTS_NAT],
      ...options.gateway,
    },
    reservations: { port: 0 },
    ...(options.controller ? { controller: options.controller } : {}),
    store: { kind: options.store ?? 'memory', redisUrl: TEST_REDIS_URL, keyPrefix: uniquePrefix() },
    // The test Redis does not fsync every write (server/store/redis/durability.ts).
    bookings: { allowUnsafeDurability: true },
    keys: options.keys ?? generateKeys('test'),
    ...(options.config?.eventsFile ? {} : { events: options.events ?? [testEvent({}, clock.now())] }),
    ...options.config,
  });
  const system = await startSystem({
    config,
    clock,
    log: options.log ?? silentLogger,
    roles: { gateway: true, controller: true, reservations: true },
    ...(options.stores ? { stores: options.stores } : {}),
  });
  return Object.assign(system, { wsUrl: `${system.gatewayUrl!.replace(/^http/, 'ws')}/ws`, clock, config });
}

export { FakeClock };
