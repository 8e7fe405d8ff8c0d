/**
 * The Redis stores: one client shared by the queue and booking stores, every
 * state change an atomic Lua script, every key of an event in one hash tag.
 */
import type { Stores } from '../types.js';
import { RedisBookingStore } from './booking-store.js';
import { closeClient, connectClient, ping } from './client.js';
import { assertKeyPart } from './keys.js';
import { RedisQueueStore } from './queue-store.js';
import { Scripts } from './scripts.js';

export interface RedisStoreOptions {
  redisUrl: string;
  /** Prepended to every key, e.g. `wr`; tests use a unique prefix each. */
  keyPrefix: string;
  /**
   * Connection errors while Redis is away (node-redis reports each failed
   * reconnect). Callers already see the outage: commands reject and ping() is false.
   */
  onError?: (error: Error) => void;
}

export async function createRedisStores(options: RedisStoreOptions): Promise<Stores> {
  assertKeyPart('key prefix', options.keyPrefix);
  const client = await connectClient(options.redisUrl, options.onError ?? (() => {}));
  try {
    const scripts = await Scripts.load(client);
    return {
      queue: new RedisQueueStore(client, scripts, options.keyPrefix),
      bookings: new RedisBookingStore(client, scripts, options.keyPrefix),
      ping: () => ping(client),
      close: () => closeClient(client),
    };
  } catch (error) {
    await closeClient(client);
    throw error;
  }
}
