/**
 * Reads the configuration once: defaults, then an optional JSON file
 * (WAITROOM_CONFIG), then environment variables (WAITROOM_KEYS: the keys as JSON). Every problem is reported at
 * once with its path, and with the variable when one set the value; the caller exits non-zero. Events may live in their own
 * file (eventsFile, EVENTS_FILE), read here into `events`.
 */
import { readFileSync } from 'node:fs';
import { parseEventFile, readJson } from '../events/event-file.js';
import { WaitroomConfig, type WaitroomConfigInput } from './schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Json = Record<string, unknown>;

/** Environment variables and where they go in the config (also the source of docs/configuration.md's column). */
export const ENV_PATHS: Readonly<Record<string, readonly string[]>> = {
  NODE_ID: ['nodeId'],
  LOG_LEVEL: ['logLevel'],
  HOST: ['gateway', 'host'],
  PORT: ['gateway', 'port'],
  TRANSPORT: ['gateway', 'transport'],
  PUBLIC_URL: ['gateway', 'publicUrl'],
  TICK_MS: ['gateway', 'tickMs'],
  DRAIN_SECONDS: ['gateway', 'drainSeconds'],
  CONTROLLER_PORT: ['controller', 'port'],
  RESERVATIONS_HOST: ['reservations', 'host'],
  RESERVATIONS_PORT: ['reservations', 'port'],
  RESERVATIONS_URL: ['reservations', 'publicUrl'],
  STORE: ['store', 'kind'],
  REDIS_URL: ['store', 'redisUrl'],
  REDIS_CLUSTER_NODES: ['store', 'redisClusterNodes'],
  REDIS_PREFIX: ['store', 'keyPrefix'],
  BOOKINGS_URL: ['store', 'bookingsUrl'],
  WEBHOOK_URL: ['reservations', 'webhook', 'url'],
  WEBHOOK_SECRET: ['reservations', 'webhook', 'secret'],
  WAITROOM_ALLOW_UNSAFE_DURABILITY: ['bookings', 'allowUnsafeDurability'],
  WAITROOM_BOOKING_REPLICAS: ['store', 'bookingReplicas'],
  WAITROOM_BOOKING_REPLICA_TIMEOUT_MS: ['store', 'bookingReplicaTimeoutMs'],
  AUDIT_LOG_FILE: ['auditLogFile'],
  EVENTS_FILE: ['eventsFile'],
};

/** Variables that set a whole part of the config rather than one field. */
export const WHOLE_PART_VARIABLES = {
  WAITROOM_CONFIG: 'a JSON file with the configuration (every field below); the environment overrides it',
  WAITROOM_KEYS: 'the `keys` part as one JSON value (from a secret store); replaces `keys` of the file',
} as const;

/** Which environment variable set which config path ("store.bookingsUrl" → "BOOKINGS_URL"); a problem under one names it. */
export type ValueOrigins = ReadonlyMap<string, string>;

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1]!] = value;
}

function mergeInto(target: Json, source: Json): Json {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isPlainObject(value) && isPlainObject(existing)) mergeInto(existing, value);
    else target[key] = value;
  }
  return target;
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJsonFile(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`WAITROOM_CONFIG: cannot read ${path}: ${(error as Error).message}`]);
  }
  return parseJson(path, text);
}

function parseJson(source: string, text: string): Json {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isPlainObject(parsed)) throw new Error('the top level must be an object');
    return parsed;
  } catch (error) {
    throw new ConfigError([`${source}: not valid JSON: ${(error as Error).message}`]);
  }
}

/** Parses `base` (e.g. the demo's generated parts) overlaid with the file and the environment. */
export function loadConfig(base: WaitroomConfigInput | Json = {}, env: NodeJS.ProcessEnv = process.env): Readonly<WaitroomConfig> {
  const file = env.WAITROOM_CONFIG ? readJsonFile(env.WAITROOM_CONFIG) : {};
  const merged = mergeInto(structuredClone(base) as Json, file);
  const origins = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_PATHS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(merged, path, value);
    origins.set(path.join('.'), name);
  }
  // Keys from a secret store arrive as one JSON value, the shape of `keys` in the file.
  if (env.WAITROOM_KEYS) {
    merged.keys = parseJson('WAITROOM_KEYS', env.WAITROOM_KEYS);
    origins.set('keys', 'WAITROOM_KEYS');
  }
  // An events file replaces events given in code (the demo's); events written in the config file next to it are a conflict.
  if (merged.eventsFile !== undefined && file.events === undefined) delete merged.events;
  return parseConfig(merged, origins);
}

/** `store.bookingsUrl (from BOOKINGS_URL)` when a variable set the value at `path` or a part holding it. */
function describePath(path: readonly PropertyKey[], origins: ValueOrigins): string {
  const name = path.map(String).join('.') || '(root)';
  for (let length = path.length; length > 0; length--) {
    const variable = origins.get(path.slice(0, length).map(String).join('.'));
    if (variable) return `${name} (from ${variable})`;
  }
  return name;
}

export function parseConfig(input: unknown, origins: ValueOrigins = new Map()): Readonly<WaitroomConfig> {
  const fromFile = eventsFromFile(input);
  const parsed = WaitroomConfig.safeParse(fromFile.input);
  const issues = parsed.success ? [] : parsed.error.issues;
  // When the events file is broken its own problems say why, not "events: required".
  const relevant = fromFile.problems.length > 0 ? issues.filter((issue) => issue.path[0] !== 'events') : issues;
  const problems = [...fromFile.problems, ...relevant.map((issue) => `${describePath(issue.path, origins)}: ${issue.message}`)];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(parsed.data);
}

/**
 * With `eventsFile` set, the file's events take the place of `events`, which
 * must then be absent. Problems inside the file are named by the file and their path in it.
 */
function eventsFromFile(input: unknown): { input: unknown; problems: string[] } {
  if (!isPlainObject(input) || typeof input.eventsFile !== 'string' || input.eventsFile === '') return { input, problems: [] };
  const path = input.eventsFile;
  if (input.events !== undefined) {
    return { input, problems: [`events: leave "events" out when eventsFile is set: the events come from ${path}`] };
  }
  const json = readJson(path);
  const file = json.ok ? parseEventFile(json.value) : json;
  if (!json.ok || !file.ok) {
    const problems = file.ok ? [] : file.problems;
    return { input, problems: problems.map((problem) => `eventsFile: ${path}: ${problem.path}: ${problem.message}`) };
  }
  // The file's events as written: the config schema parses them like inline events, so `events` has one shape.
  return { input: { ...input, events: (json.value as { events: unknown }).events }, problems: [] };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
