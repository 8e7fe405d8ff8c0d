/**
 * JSON the Redis stores wrote and read back, decoded through a schema: a
 * value that is not what the writer wrote (damaged, written by another
 * version, edited by hand) is refused with StoredValueInvalid naming the key
 * and what is wrong, instead of flowing on with missing fields. Callers treat
 * it as a store failure (they fail closed: 503, nothing changed).
 */
import type { z } from 'zod';

export class StoredValueInvalid extends Error {
  readonly code = 'STORED_VALUE_INVALID';

  constructor(
    /** The Redis key (and hash field) read. */
    readonly key: string,
    problem: string,
  ) {
    super(`STORED_VALUE_INVALID ${key}: ${problem}`);
    this.name = 'StoredValueInvalid';
  }
}

export function decodeStored<S extends z.ZodType>(schema: S, stored: string, key: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch (error) {
    throw new StoredValueInvalid(key, `not JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new StoredValueInvalid(key, `${issue?.path.join('.') || '(value)'}: ${issue?.message ?? 'invalid'}`);
}
