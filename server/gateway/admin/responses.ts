/** How the admin API answers: JSON always, refusals as `{ error: { code, message, … } }` (shared/http/error-codes.ts). */
import { HttpErrorCode, type ErrorBody } from '../../../shared/http/error-codes.js';
import type { HttpRequest, HttpResponse } from '../transport/types.js';

export interface Refusal {
  status: number;
  code: HttpErrorCode;
  message: string;
  headers?: Record<string, string>;
  /** More fields of the error object, e.g. `retryAfterSeconds`. */
  details?: Record<string, unknown>;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(value) };
}

export function refuse({ status, code, message, headers, details: own }: Refusal, details: Record<string, unknown> = {}): HttpResponse {
  return json(status, { error: { code, message, ...own, ...details } } satisfies ErrorBody, headers);
}

export function isRefusal(value: object): value is Refusal {
  return 'code' in value && 'status' in value;
}

export const STORE_UNAVAILABLE: Refusal = {
  status: 503,
  code: HttpErrorCode.STORE_UNAVAILABLE,
  message: 'the queue store is unreachable; nothing changed; retry shortly',
};

/** The request's JSON body, or why it cannot be read (413, 415, 400 INVALID_JSON). */
export function readJsonBody(request: HttpRequest, maxBodyBytes: number): { ok: true; value: unknown } | { ok: false; refusal: Refusal } {
  if (request.bodyTooLarge) {
    return {
      ok: false,
      refusal: {
        status: 413,
        code: HttpErrorCode.BODY_TOO_LARGE,
        message: `the body exceeds ${maxBodyBytes} bytes (admin.maxBodyBytes)`,
        headers: { connection: 'close' },
      },
    };
  }
  if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    return { ok: false, refusal: { status: 415, code: HttpErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'send the body as application/json' } };
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.from(request.body ?? new Uint8Array(0)).toString('utf8')) };
  } catch (error) {
    return { ok: false, refusal: { status: 400, code: HttpErrorCode.INVALID_JSON, message: `the body is not valid JSON: ${(error as Error).message}` } };
  }
}
