/**
 * A 2xx answer checked against its shared schema (shared/http/) before a page
 * uses it: the value as the schema gives it, or a RequestError BAD_RESPONSE
 * naming the first thing wrong, which the page shows like any other failure.
 */
import type { z } from 'zod';
import { RequestError } from './fetch-json.js';

export function readAnswer<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new RequestError(200, 'BAD_RESPONSE', `unexpected ${what} at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}
