/**
 * The node-redis client as the stores need it: never crashes the process on an
 * outage, reconnects with capped backoff, and rejects commands at once while
 * disconnected (no offline queue), so callers fail closed instead of waiting.
 */
import { createClient } from 'redis';

export type RedisClient = ReturnType<typeof createClient>;

/** Longest wait between reconnect attempts. */
const MAX_BACKOFF_MS = 2000;
/** How long ping() waits before calling Redis down. */
const PING_TIMEOUT_MS = 1000;

/** 50 ms doubling to MAX_BACKOFF_MS, plus jitter so many nodes do not reconnect in step. */
export function reconnectDelay(retries: number): number {
  return Math.min(MAX_BACKOFF_MS, 50 * 2 ** Math.min(retries, 6)) + Math.floor(Math.random() * 100);
}

export async function connectClient(url: string, onError: (error: Error) => void): Promise<RedisClient> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: reconnectDelay },
  });
  // Without a listener an 'error' event would throw and end the process.
  client.on('error', onError);
  await client.connect();
  return client;
}

/** True when Redis answers within PING_TIMEOUT_MS; never throws. */
export async function ping(client: RedisClient): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([client.ping().then(() => true), timeout]);
  } catch {
    // A rejected PING (disconnected, closed) is the answer itself: Redis is down.
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Closes gracefully when connected, otherwise drops the socket and its reconnect loop. */
export async function closeClient(client: RedisClient): Promise<void> {
  if (client.isReady) await client.close();
  else if (client.isOpen) client.destroy();
}
