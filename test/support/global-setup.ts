import { assertRedisReachable } from './redis.js';

export default async function setup(): Promise<void> {
  await assertRedisReachable();
}
