/** The answer to a WebSocket upgrade over its address's connection cap: HTTP 429, a JSON code, Retry-After. */
import type { HttpResponse } from '../transport/types.js';
import { CONNECTION_RETRY_AFTER_SECONDS } from './client-limits.js';

export const TOO_MANY_CONNECTIONS = 'TOO_MANY_CONNECTIONS';

export function tooManyConnections(): HttpResponse {
  return {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': String(CONNECTION_RETRY_AFTER_SECONDS) },
    body: JSON.stringify({ error: { code: TOO_MANY_CONNECTIONS, message: 'too many connections from your network address (gateway.perIp.maxConnections)' } }),
  };
}
