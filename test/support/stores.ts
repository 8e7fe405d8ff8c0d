/** The store implementations every contract and integration suite runs against. */
import { createMemoryStores } from '../../server/store/memory/index.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import type { Stores } from '../../server/store/types.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from './redis.js';

export interface StoreFactory {
  name: 'memory' | 'redis';
  create(): Promise<Stores>;
}

export const storeFactories: StoreFactory[] = [
  { name: 'memory', create: async () => createMemoryStores() },
  {
    name: 'redis',
    create: async () => {
      const keyPrefix = uniquePrefix();
      const stores = await createRedisStores({ redisUrl: TEST_REDIS_URL, keyPrefix });
      return { ...stores, close: async () => (await stores.close(), await deletePrefix(keyPrefix)) };
    },
  },
];
