/**
 * Redis for tests: the real server at REDIS_URL (default 127.0.0.1:6379),
 * a unique key prefix per test. Unreachable Redis fails the run loudly.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(): string {
  return `wrt-${randomBytes(5).toString('hex')}`;
}

/** Throws a clear error when Redis cannot be reached. */
export async function assertRedisReachable(url = TEST_REDIS_URL): Promise<void> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${url} (${(error as Error).message}). These tests need a real Redis: ` +
        'start one with `redis-server --daemonize yes --port 6379 --save "" --appendonly no` or set REDIS_URL.',
    );
  } finally {
    if (client.isOpen) await client.quit();
  }
}

/** Deletes every key under `prefix` (tests clean up after themselves). */
export async function deletePrefix(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    await client.quit();
  }
}
