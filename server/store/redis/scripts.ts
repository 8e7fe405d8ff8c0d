/**
 * The Lua scripts: each is a generated prelude (constants from TypeScript),
 * scripts/helpers.lua and its own file, run with EVALSHA.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { BUCKET_WIDTHS } from '../../../shared/queue/left-segments.js';
import { LANE_SPAN } from '../../../shared/queue/lanes.js';
import { LANE_RESTART_GAP, RESTART_TICKET_GAP } from '../restart-gap.js';
import { Status } from '../ticket-status.js';
import type { RedisConnection } from './client.js';
import { SCRIPT_KEY_ORDER } from './keys.js';

export const SCRIPT_NAMES = [
  'join-batch',
  'reconnect',
  'disconnect',
  'leave',
  'admit',
  'commit-booking',
  'release-booked',
  'release-lease',
  'publish-events',
  'set-notice',
  'revoke',
  'device-join',
  'device-release',
  'challenge-redeem',
  'assertion-claim',
  'sign-in-admit',
  'sign-in-succeeded',
  'history-append',
  'recovery-set',
  'recovery-redeem',
  'lane-join',
  'contact-save',
  'notice-claim',
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

/** The constants helpers.lua documents, from their one TypeScript definition. */
function prelude(name: ScriptName): string {
  const statuses = Object.entries(Status).map(([name, letter]) => `${name} = '${letter}'`);
  return [
    `local SCRIPT = '${name}'`,
    `local S = { ${statuses.join(', ')} }`,
    `local BUCKET_WIDTHS = { ${BUCKET_WIDTHS.join(', ')} }`,
    `local RESTART_TICKET_GAP = ${RESTART_TICKET_GAP}`,
    `local LANE_RESTART_GAP = ${LANE_RESTART_GAP}`,
    `local LANE_SPAN = ${LANE_SPAN}`,
    'local function event_keys()',
    `  local k = { ${SCRIPT_KEY_ORDER.map((name, i) => `${name} = KEYS[${i + 1}]`).join(', ')} }`,
    `  k.left = {}`,
    `  for level = 1, #BUCKET_WIDTHS do k.left[level] = KEYS[${SCRIPT_KEY_ORDER.length} + level] end`,
    `  k.device = KEYS[${SCRIPT_KEY_ORDER.length} + #BUCKET_WIDTHS + 1]`,
    '  return k',
    'end',
    '',
  ].join('\n');
}

function readScript(file: string): Promise<string> {
  return readFile(new URL(`./scripts/${file}.lua`, import.meta.url), 'utf8');
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Scripts by SHA. The SHA is computed here, so nothing has to be loaded ahead:
 * the first EVALSHA on a Redis (or a cluster shard) that lacks the script
 * answers NOSCRIPT and EVAL runs and caches it there (also after a restart, a
 * failover or SCRIPT FLUSH).
 */
export class Scripts {
  private constructor(
    private readonly redis: RedisConnection,
    private readonly sources: ReadonlyMap<ScriptName, { source: string; sha: string }>,
  ) {}

  static async load(redis: RedisConnection): Promise<Scripts> {
    const helpers = await readScript('helpers');
    const bodies = await Promise.all(SCRIPT_NAMES.map(readScript));
    return new Scripts(
      redis,
      new Map(
        SCRIPT_NAMES.map((name, i) => {
          const source = `${prelude(name)}${helpers}\n${bodies[i]}`;
          return [name, { source, sha: createHash('sha1').update(source).digest('hex') }] as const;
        }),
      ),
    );
  }

  /** Runs `name` with these KEYS and ARGV; the raw reply is read by ./outcomes.ts. */
  async run(name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const { source, sha } = this.sources.get(name)!;
    const argv = args.map(String);
    try {
      return await this.redis.evalSha(sha, [...keys], argv, name);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return this.redis.eval(source, [...keys], argv, name);
    }
  }
}
