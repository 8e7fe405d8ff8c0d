/**
 * The reservation handler refuses to start on a Redis that does not fsync
 * every write (server/store/redis/durability.ts): real `npm run reservations`
 * processes on redis-servers of their own, configured each way; and the
 * fallback to INFO persistence where CONFIG is refused (an ACL user); and
 * store.bookingReplicas asking for a replica the Redis lacks (decision 027).
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../server/observability/log.js';
import { checkBookingDurability, readDurability, UnsafeDurabilityError } from '../../server/store/redis/durability.js';
import { cleanUpProcesses, startNode, stopAll, writeClusterConfig } from '../support/processes.js';
import { startRedisServer, stopRedisServers, type RedisServer } from '../support/redis-server.js';

let everysec: RedisServer;
let always: RedisServer;
let noAof: RedisServer;
beforeAll(async () => {
  [everysec, always, noAof] = await Promise.all([
    startRedisServer({ appendonly: true, appendfsync: 'everysec' }),
    startRedisServer({ appendonly: true, appendfsync: 'always' }),
    startRedisServer({ appendonly: false }),
  ]);
});
afterAll(async () => {
  await cleanUpProcesses();
  await stopRedisServers();
});

/** A reservation handler on `redis`; the config file allows nothing unsafe unless `allowUnsafe`. */
async function startReservations(redis: RedisServer, allowUnsafe: boolean, env: Record<string, string> = {}) {
  const config = await writeClusterConfig();
  return startNode({
    role: 'reservations',
    name: 'durable-reservations',
    configFile: config.path,
    env: { REDIS_URL: redis.url, WAITROOM_ALLOW_UNSAFE_DURABILITY: allowUnsafe ? '1' : '0', ...env },
  });
}

describe('the reservation handler and the durability of its Redis', () => {
  it('refuses to start on appendfsync everysec, naming the setting and the override', async () => {
    const start = startReservations(everysec, false);
    await expect(start).rejects.toThrow(/exited \(2\)/);
    const message = String(await start.catch((error: Error) => error.message));
    expect(message).toContain('appendfsync everysec');
    expect(message).toContain('bookings');
    expect(message).toContain('allowUnsafeDurability');
    expect(message).toContain('WAITROOM_ALLOW_UNSAFE_DURABILITY=1');
  });

  it('refuses to start without the append-only file', async () => {
    await expect(startReservations(noAof, false)).rejects.toThrow(/appendonly no/);
  });

  it('starts on appendonly yes with appendfsync always, without a warning', async () => {
    const node = await startReservations(always, false);
    expect(node.output()).not.toContain('UNSAFE BOOKINGS');
    await stopAll([node]);
  });

  it('refuses to wait for a replica the Redis does not have, with BOOKING_REPLICAS_MISSING, even with the override', async () => {
    const start = startReservations(always, true, { WAITROOM_BOOKING_REPLICAS: '1' });
    await expect(start).rejects.toThrow(/exited \(2\)/);
    const message = String(await start.catch((error: Error) => error.message));
    expect(message).toMatch(/BOOKING_REPLICAS_MISSING: store\.bookingReplicas is 1, but redis:\/\/127\.0\.0\.1:\d+ has 0 replica\(s\) linked/);
    expect(message).toContain('WAITROOM_BOOKING_REPLICAS');
  });

  it('starts on appendfsync everysec with the override, and warns', async () => {
    const node = await startReservations(everysec, true);
    expect(node.output()).toMatch(/UNSAFE BOOKINGS.*appendfsync everysec/);
    await stopAll([node]);
  });
});

describe('where CONFIG is refused', () => {
  const store = (url: string) => ({ kind: 'redis', redisUrl: url, redisClusterNodes: [] });
  const withoutConfig = (redis: RedisServer) => redis.url.replace('redis://', 'redis://no-config:pw@');

  beforeAll(async () => {
    for (const redis of [always, noAof]) {
      const admin = createClient({ url: redis.url });
      await admin.connect();
      await admin.sendCommand(['ACL', 'SETUSER', 'no-config', 'on', '>pw', '~*', '+@all', '-config']);
      await admin.close();
    }
  });

  it('reads appendonly from INFO persistence, which cannot tell appendfsync: refused, with the override named', async () => {
    const client = createClient({ url: withoutConfig(always) });
    await client.connect();
    expect(await readDurability(client)).toEqual({ appendonly: 'yes', appendfsync: null, source: 'INFO persistence' });
    await client.close();
    const refusal = checkBookingDurability(store(withoutConfig(always)), false, silentLogger);
    await expect(refusal).rejects.toThrow(UnsafeDurabilityError);
    await expect(refusal).rejects.toThrow(/appendfsync cannot be read \(CONFIG is disabled.*WAITROOM_ALLOW_UNSAFE_DURABILITY=1/);
  });

  it('still sees a Redis without the append-only file', async () => {
    await expect(checkBookingDurability(store(withoutConfig(noAof)), false, silentLogger)).rejects.toThrow(/appendonly no \(INFO persistence\)/);
  });

  it('a memory store is not checked', async () => {
    await expect(
      checkBookingDurability({ kind: 'memory', redisUrl: 'redis://127.0.0.1:1', redisClusterNodes: [] }, false, silentLogger),
    ).resolves.toBeUndefined();
  });
});
