/**
 * Signing a Pusher HTTP API request (the "Generating authentication
 * signatures" section of Pusher's HTTP API reference): the query carries
 * auth_key, auth_timestamp (Unix seconds), auth_version 1.0 and, for a body,
 * body_md5 (hex MD5 of it); auth_signature is the hex HMAC-SHA256, keyed by the
 * app secret, of `METHOD\nPATH\nQUERY` where QUERY is those parameters sorted
 * by key (lowercase keys, values not URL-escaped), auth_signature left out.
 */
import { createHash, createHmac } from 'node:crypto';

export interface PusherRequest {
  method: string;
  /** The request path, e.g. /apps/3/events. */
  path: string;
  /** The exact body sent ('' for none). */
  body: string;
  key: string;
  secret: string;
  /** Unix seconds. */
  timestamp: number;
  /** Other query parameters, signed with the rest. */
  params?: Readonly<Record<string, string>>;
}

/** The query parameters of the signed request, auth_signature included. */
export function signedQuery(request: PusherRequest): Record<string, string> {
  const params: Record<string, string> = { ...request.params, auth_key: request.key, auth_timestamp: String(request.timestamp), auth_version: '1.0' };
  if (request.body !== '') params.body_md5 = createHash('md5').update(request.body).digest('hex');
  const canonical = Object.keys(params)
    .map((key) => [key.toLowerCase(), params[key]!] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const auth_signature = createHmac('sha256', request.secret).update(`${request.method.toUpperCase()}\n${request.path}\n${canonical}`).digest('hex');
  return { ...params, auth_signature };
}
