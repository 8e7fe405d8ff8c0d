/** Opens the configured store implementation. */
import type { WaitroomConfig } from '../config/schema.js';
import { createMemoryStores } from './memory/index.js';
import { createRedisStores } from './redis/index.js';
import type { Stores } from './types.js';

export function openStores(config: WaitroomConfig['store']): Promise<Stores> {
  return config.kind === 'redis'
    ? createRedisStores({ redisUrl: config.redisUrl, keyPrefix: config.keyPrefix })
    : Promise.resolve(createMemoryStores());
}
