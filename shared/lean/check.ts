/**
 * The browser's validator: checks a value against the JSON Schema that zod
 * itself derives from a shared schema (tools/schemas/write.ts writes them to
 * schemas.generated.ts), so the pages and the SDK refuse what the server's zod
 * schema refuses without shipping zod (docs/decisions/022-page-weight.md).
 *
 * Only the subset z.toJSONSchema emits for our schemas: type (one or a list),
 * const, enum, min/max(Length|Items), (exclusive)minimum/maximum, pattern,
 * format uri, properties/required/default, additionalProperties (records),
 * items, oneOf/anyOf. Like zod's default objects, keys
 * the schema does not list are dropped from the result, and numbers must be
 * finite. test/property/lean-check.property.test.ts proves it agrees with zod.
 */

export interface JsonSchema {
  type?: string | readonly string[];
  const?: unknown;
  enum?: readonly unknown[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  /** A record's values (z.record); `false` and absent mean nothing beyond `properties`. */
  additionalProperties?: JsonSchema | boolean;
  /** Always `{ type: 'string' }` from z.record(z.string(), …): every key of a JSON object is one. */
  propertyNames?: JsonSchema;
  /** Given for an absent key, as zod's `.default()`. */
  default?: unknown;
  /** Only `uri`, as zod's `.url()`. */
  format?: string;
  oneOf?: readonly JsonSchema[];
  anyOf?: readonly JsonSchema[];
}

/** What `check` found: the value as zod would output it, or the path of the first problem. */
export type Checked<T> = { ok: true; value: T } | { ok: false; path: string };

const FAIL: unique symbol = Symbol('invalid');
type Result = unknown | typeof FAIL;

const patterns = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let compiled = patterns.get(pattern);
  if (!compiled) patterns.set(pattern, (compiled = new RegExp(pattern)));
  return compiled;
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return false;
  }
}

function withinBounds(value: unknown, s: JsonSchema): boolean {
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) return false;
    if (s.maximum !== undefined && value > s.maximum) return false;
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) return false;
    if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) return false;
  }
  if (typeof value === 'string') {
    if (s.minLength !== undefined && value.length < s.minLength) return false;
    if (s.maxLength !== undefined && value.length > s.maxLength) return false;
    if (s.pattern !== undefined && !regex(s.pattern).test(value)) return false;
    if (s.format === 'uri' && !canParseUrl(value.trim())) return false;
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) return false;
    if (s.maxItems !== undefined && value.length > s.maxItems) return false;
  }
  return true;
}

function canParseUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

function walk(value: unknown, s: JsonSchema, path: string[]): Result {
  const union = s.oneOf ?? s.anyOf;
  if (union) {
    for (const branch of union) {
      const result = walk(value, branch, []);
      if (result !== FAIL) return result;
    }
    return FAIL;
  }
  if (s.type !== undefined && !(typeof s.type === 'string' ? [s.type] : s.type).some((type) => isType(value, type))) return FAIL;
  if ('const' in s && value !== s.const) return FAIL;
  if (s.enum && !s.enum.includes(value)) return FAIL;
  if (!withinBounds(value, s)) return FAIL;
  if (Array.isArray(value) && s.items) {
    const out: unknown[] = [];
    for (const [index, item] of value.entries()) {
      path.push(String(index));
      const result = walk(item, s.items, path);
      if (result === FAIL) return FAIL;
      path.pop();
      out.push(result);
    }
    return out;
  }
  // As zod's url(): the trimmed text, without the tabs and newlines the URL parser ignores.
  if (s.format === 'uri' && typeof value === 'string') return value.trim().replace(/[\t\n\r]/g, '');
  if (typeof s.additionalProperties === 'object' && !s.properties && isType(value, 'object')) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (key === '__proto__') continue; // as zod: never a key of the result, never checked
      path.push(key);
      const result = walk(item, s.additionalProperties, path);
      if (result === FAIL) return FAIL;
      path.pop();
      out[key] = result;
    }
    return out;
  }
  if (s.properties && typeof value === 'object' && value !== null) {
    const input = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(s.properties)) {
      path.push(key);
      const required = s.required?.includes(key) ?? false;
      const given = Object.prototype.hasOwnProperty.call(input, key) ? input[key] : undefined;
      if (given === undefined && property.default !== undefined) {
        out[key] = structuredClone(property.default);
      } else if (!Object.prototype.hasOwnProperty.call(input, key)) {
        if (required) return FAIL;
      } else if (input[key] === undefined && !required) {
        out[key] = undefined; // as zod passes an optional key given as undefined
      } else {
        const result = walk(input[key], property, path);
        if (result === FAIL) return FAIL;
        out[key] = result;
      }
      path.pop();
    }
    return out;
  }
  return value;
}

/** Checks `value` against `schema`; never throws. The cast to T is what the schema (and zod's type) promises. */
export function check<T>(schema: JsonSchema, value: unknown): Checked<T> {
  const path: string[] = [];
  const result = walk(value, schema, path);
  return result === FAIL ? { ok: false, path: path.join('.') || 'value' } : { ok: true, value: result as T };
}
