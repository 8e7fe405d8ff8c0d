/**
 * JSON over HTTP with a time limit, for the kiosk and the console. Every
 * failure becomes one RequestError with a stable code: the server's own
 * `{ error: { code, message } }` as it sent it, or NETWORK / TIMEOUT /
 * BAD_RESPONSE when no usable answer came, so a page shows both kinds alike.
 */
import { ErrorBody } from '../../shared/http/error-codes.js';

export class RequestError extends Error {
  constructor(
    /** The HTTP status; 0 when no HTTP answer arrived. */
    readonly status: number,
    readonly code: string,
    message: string,
    /** Whole seconds from the answer's Retry-After header, when it carries one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export interface JsonRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as application/json. */
  body?: unknown;
  /** The whole exchange, body included, must finish within this. */
  timeoutMs: number;
}

/** The parsed body of a 2xx answer (null for 204), or a RequestError. */
export async function fetchJson(url: string, { method = 'GET', body, timeoutMs }: JsonRequest): Promise<unknown> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method,
      cache: 'no-store',
      credentials: 'same-origin',
      signal,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw new RequestError(0, 'TIMEOUT', `no answer within ${Math.round(timeoutMs / 1000)} s`);
    throw new RequestError(0, 'NETWORK', `the server cannot be reached (${(error as Error).message})`);
  }
  const parsed = parseJson(text);
  if (response.ok) {
    if (response.status === 204) return null;
    if (parsed === undefined) throw new RequestError(response.status, 'BAD_RESPONSE', 'the server answered with something other than JSON');
    return parsed;
  }
  const refusal = ErrorBody.safeParse(parsed);
  const retryAfter = /^\d{1,6}$/.test(response.headers.get('retry-after') ?? '') ? Number(response.headers.get('retry-after')) : undefined;
  if (refusal.success) throw new RequestError(response.status, refusal.data.error.code, refusal.data.error.message, retryAfter);
  throw new RequestError(response.status, `HTTP_${response.status}`, response.statusText || 'the server refused the request');
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A RequestError as is; anything else (a bug in the page) as BAD_RESPONSE, so it is shown rather than lost. */
export function asRequestError(error: unknown): RequestError {
  if (error instanceof RequestError) return error;
  return new RequestError(0, 'BAD_RESPONSE', error instanceof Error ? error.message : String(error));
}
