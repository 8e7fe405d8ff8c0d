/** A route's JSON body checked against its schema; what is wrong is answered (and audited) here. */
import { HttpErrorCode } from '../../../shared/http/error-codes.js';
import type { z } from 'zod';
import type { HttpResponse } from '../transport/types.js';
import { readJsonBody, refuse } from './responses.js';
import { audit, type AdminCall, type AdminServices } from './services.js';

export function parseBody<T>(
  services: AdminServices,
  call: AdminCall,
  action: string,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; response: HttpResponse } {
  const read = readJsonBody(call.request, services.ctx.config.admin.maxBodyBytes);
  if (!read.ok) {
    audit(services, call, action, 'invalid', { reason: read.refusal.code });
    return { ok: false, response: refuse(read.refusal) };
  }
  const parsed = schema.safeParse(read.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }));
  audit(services, call, action, 'invalid', { reason: HttpErrorCode.VALIDATION, problems });
  return {
    ok: false,
    response: refuse(
      { status: 400, code: HttpErrorCode.VALIDATION, message: `the request is not valid: ${problems[0]!.path}: ${problems[0]!.message}` },
      { problems },
    ),
  };
}
