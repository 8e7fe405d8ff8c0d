import { buildPagesIfStale } from '../../server/main/build-pages.js';
import { assertPostgresReachable } from './postgres.js';
import { assertRedisReachable } from './redis.js';

export default async function setup(): Promise<void> {
  await assertRedisReachable();
  await assertPostgresReachable();
  // Once for the whole run: browser test files in parallel workers would otherwise build at once and
  // empty dist/client under each other's pages.
  await buildPagesIfStale();
}
