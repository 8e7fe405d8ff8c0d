/** The store implementations every contract and integration suite runs against. */
import { createMemoryStores } from '../../server/store/memory/index.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import type { DrawSeeds, Stores } from '../../server/store/types.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from './redis.js';

export interface StoreFactory {
  name: 'memory' | 'redis';
  /** `drawSeed` fixes the seeds of pre-queue draws (random by default); `auditCapacity` keeps fewer audit entries. */
  create(drawSeed?: DrawSeeds, auditCapacity?: number): Promise<Stores>;
}

export const storeFactories: StoreFactory[] = [
  { name: 'memory', create: async (drawSeed, auditCapacity) => createMemoryStores(drawSeed, auditCapacity) },
  {
    name: 'redis',
    create: async (drawSeed, auditCapacity) => {
      const keyPrefix = uniquePrefix();
      const stores = await createRedisStores({ redisUrl: TEST_REDIS_URL, keyPrefix, drawSeed, auditCapacity });
      return { ...stores, close: async () => (await stores.close(), await deletePrefix(keyPrefix)) };
    },
  },
];
