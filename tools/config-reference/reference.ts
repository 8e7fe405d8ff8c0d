/**
 * docs/configuration.md, made from the config schema itself (server/config/schema.ts, by
 * z.toJSONSchema) and load.ts's environment mapping: one row per field with its path, type,
 * default, allowed values and description, and the variable that sets it. Written by
 * `npm run config-reference`; a test regenerates it in memory and fails when the file is stale
 * or a field has no description.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ENV_PATHS, WHOLE_PART_VARIABLES } from '../../server/config/load.js';
import { WaitroomConfig } from '../../server/config/schema.js';

/** The part of a JSON Schema this reads. */
interface JsonSchema {
  type?: string | string[];
  format?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  anyOf?: JsonSchema[];
}

export interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  default: string;
  allowed: string;
  description: string | undefined;
  variable: string | undefined;
}

/** Defaults drawn at each start, shown as what they are rather than as this run's value. */
const DRAWN_DEFAULTS: Record<string, string> = { nodeId: '"node-<pid>"' };

const VARIABLES = new Map(Object.entries(ENV_PATHS).map(([name, path]) => [path.join('.'), name]));

export function configJsonSchema(): JsonSchema {
  // The input side: what a file or a variable may say, before defaults and transforms.
  return z.toJSONSchema(WaitroomConfig, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Every field of the config, parents before their children, in schema order. */
export function configFields(schema: JsonSchema = configJsonSchema()): FieldRow[] {
  const rows: FieldRow[] = [];
  const visit = (node: JsonSchema, prefix: string) => {
    for (const [key, field] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${key}` : key;
      rows.push(row(path, field, node.required?.includes(key) ?? false));
      for (const inner of nested(field)) visit(inner.schema, `${path}${inner.suffix}`);
    }
  };
  visit(schema, '');
  return rows;
}

/** The objects inside a field: itself, its array items (`[]`), its map values (`.<key>`), the branches of a union. */
function nested(field: JsonSchema): { schema: JsonSchema; suffix: string }[] {
  if (field.properties) return [{ schema: field, suffix: '' }];
  if (field.items) return nested(field.items).map(({ schema, suffix }) => ({ schema, suffix: `[]${suffix}` }));
  if (typeof field.additionalProperties === 'object' && field.additionalProperties.properties)
    return [{ schema: field.additionalProperties, suffix: '.<key>' }];
  return (field.anyOf ?? []).flatMap(nested);
}

function row(path: string, field: JsonSchema, required: boolean): FieldRow {
  const isObject = field.properties !== undefined;
  return {
    path,
    type: typeOf(field),
    required,
    default: DRAWN_DEFAULTS[path] ?? (field.default === undefined || isObject ? '' : JSON.stringify(field.default)),
    allowed: allowedOf(field),
    description: field.description,
    variable: VARIABLES.get(path),
  };
}

function typeOf(field: JsonSchema): string {
  if (field.anyOf) return field.anyOf.map(typeOf).join(' or ');
  if (field.enum) return 'string';
  if (field.items) return `array of ${typeOf(field.items)}`;
  if (typeof field.additionalProperties === 'object') return `map of ${typeOf(field.additionalProperties)}`;
  const type = Array.isArray(field.type) ? field.type.join(' or ') : (field.type ?? 'any');
  return field.format ? `${type} (${field.format})` : type;
}

function allowedOf(field: JsonSchema): string {
  if (field.anyOf) return field.anyOf.map(allowedOf).filter(Boolean).join('; ');
  const parts: string[] = [];
  if (field.enum) parts.push(field.enum.map((value) => JSON.stringify(value)).join(', '));
  if (field.const !== undefined) parts.push(JSON.stringify(field.const));
  const low = field.minimum ?? field.minLength ?? field.minItems;
  const lowUnit = field.minimum !== undefined ? '' : field.minLength !== undefined ? ' characters' : field.minItems !== undefined ? ' items' : '';
  const high = field.maximum ?? field.maxLength;
  const highUnit = field.maximum !== undefined ? '' : ' characters';
  if (low !== undefined && high !== undefined) parts.push(`${low}–${high}${highUnit}`);
  else if (low !== undefined) parts.push(`at least ${low}${lowUnit}`);
  else if (high !== undefined) parts.push(`at most ${high}${highUnit}`);
  if (field.exclusiveMinimum !== undefined) parts.push(`above ${field.exclusiveMinimum}`);
  if (field.pattern) parts.push(`matches \`${field.pattern}\``);
  if (field.items) {
    const items = allowedOf(field.items);
    if (items) parts.push(`each: ${items}`);
  }
  if (field.propertyNames?.pattern) parts.push(`keys match \`${field.propertyNames.pattern}\``);
  return parts.join('; ');
}

/** Fields without a description: each one is a failure of the reference test. */
export function undescribedFields(): string[] {
  return configFields()
    .filter((field) => !field.description?.trim())
    .map((field) => field.path);
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (text: string) => (text ? `\`${text.replace(/`/g, "'")}\`` : '');

/** The whole of docs/configuration.md. */
export function configReference(): string {
  const preamble = readFileSync(new URL('preamble.md', import.meta.url), 'utf8').trimEnd();
  const variables = [
    ...Object.entries(WHOLE_PART_VARIABLES).map(([name, what]) => `| \`${name}\` | ${cell(what)} |`),
    ...Object.entries(ENV_PATHS).map(([name, path]) => `| \`${name}\` | sets \`${path.join('.')}\` |`),
  ];
  const fields = configFields().map(
    (field) =>
      `| ${code(field.path)}${field.required ? ' (required)' : ''} | ${cell(field.type)} | ${cell(code(field.default))} | ${cell(field.allowed)} | ${field.variable ? code(field.variable) : ''} | ${cell(field.description ?? '')} |`,
  );
  return [
    '<!-- Generated by `npm run config-reference` (tools/config-reference/) from server/config/schema.ts; do not edit by hand. -->',
    '',
    preamble,
    '',
    '## Environment variables',
    '',
    'A variable overrides the same field of the file. A problem with a value a variable set names the variable:',
    '`store.bookingsUrl (from BOOKINGS_URL): a postgres:// URL`.',
    '',
    '| variable | what it does |',
    '| --- | --- |',
    ...variables,
    '',
    '## Fields',
    '',
    '`a[]` is each item of the array `a`; `m.<key>` is each value of the map `m`. Ranges include both ends.',
    '',
    '| field | type | default | allowed | variable | description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...fields,
    '',
  ].join('\n');
}
