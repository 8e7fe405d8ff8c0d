/**
 * The Lua scripts: each is a generated prelude (constants from TypeScript),
 * scripts/helpers.lua and its own file. Loaded once with SCRIPT LOAD, run with
 * EVALSHA, and loaded again when Redis answers NOSCRIPT (after a restart,
 * a failover or SCRIPT FLUSH).
 */
import { readFile } from 'node:fs/promises';
import { BUCKET_WIDTHS } from '../../../shared/queue/left-segments.js';
import { RESTART_TICKET_GAP } from '../restart-gap.js';
import { Status } from '../ticket-status.js';
import type { RedisClient } from './client.js';

export const SCRIPT_NAMES = [
  'join-batch',
  'reconnect',
  'disconnect',
  'leave',
  'admit',
  'commit-booking',
  'release-lease',
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

/** The constants helpers.lua documents, from their one TypeScript definition. */
function prelude(): string {
  const statuses = Object.entries(Status).map(([name, letter]) => `${name} = '${letter}'`);
  return [
    `local S = { ${statuses.join(', ')} }`,
    `local BUCKET_WIDTHS = { ${BUCKET_WIDTHS.join(', ')} }`,
    `local RESTART_TICKET_GAP = ${RESTART_TICKET_GAP}`,
    '',
  ].join('\n');
}

function readScript(file: string): Promise<string> {
  return readFile(new URL(`./scripts/${file}.lua`, import.meta.url), 'utf8');
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

export class Scripts {
  private readonly shas = new Map<ScriptName, string>();

  private constructor(
    private readonly client: RedisClient,
    private readonly sources: ReadonlyMap<ScriptName, string>,
  ) {}

  static async load(client: RedisClient): Promise<Scripts> {
    const helpers = await readScript('helpers');
    const bodies = await Promise.all(SCRIPT_NAMES.map(readScript));
    const sources = new Map(SCRIPT_NAMES.map((name, i) => [name, `${prelude()}${helpers}\n${bodies[i]}`] as const));
    const scripts = new Scripts(client, sources);
    await Promise.all(SCRIPT_NAMES.map((name) => scripts.upload(name)));
    return scripts;
  }

  /** EVALSHA with these KEYS and ARGV; the raw reply is read by ./outcomes.ts. */
  async run(name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const options = { keys: [...keys], arguments: args.map(String) };
    try {
      return await this.client.evalSha(this.shas.get(name)!, options);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      await this.upload(name);
      return this.client.evalSha(this.shas.get(name)!, options);
    }
  }

  private async upload(name: ScriptName): Promise<void> {
    this.shas.set(name, await this.client.scriptLoad(this.sources.get(name)!));
  }
}
