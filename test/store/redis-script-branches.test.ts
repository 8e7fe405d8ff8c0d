/**
 * The branch list keeps itself honest: every `-- branch: <script>/<name>` tag
 * in server/store/redis/scripts/*.lua has a row in docs/redis-scripts.md
 * naming a test file under test/store/, and that file has a test whose title
 * names the tag. A new branch without a row or a test fails here; so does a
 * row for a branch that no longer exists.
 */
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const SCRIPTS_DIR = new URL('../../server/store/redis/scripts/', import.meta.url);
const DOC = new URL('../../docs/redis-scripts.md', import.meta.url);
const TEST_DIR = new URL('./', import.meta.url);
const LABEL = /[a-z][a-z-]*\/[a-z][a-z-]*/g;

/** label → the .lua file it is written in. */
async function taggedBranches(): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  for (const file of (await readdir(SCRIPTS_DIR)).filter((name) => name.endsWith('.lua'))) {
    const source = await readFile(new URL(file, SCRIPTS_DIR), 'utf8');
    for (const [, label] of source.matchAll(/--\s*branch:\s*([a-z][a-z-]*\/[a-z][a-z-]*)/g)) {
      if (tags.has(label!)) throw new Error(`branch tag ${label} appears twice (${tags.get(label!)} and ${file})`);
      tags.set(label!, file);
    }
  }
  return tags;
}

/** label → the test file its row names (rows: | script | `label` | meaning | `test/store/….test.ts` |). */
async function documentedBranches(): Promise<Map<string, string>> {
  const rows = new Map<string, string>();
  for (const line of (await readFile(DOC, 'utf8')).split('\n')) {
    const row = /^\|[^|]*\|\s*`([^`]+)`\s*\|[^|]*\|\s*`test\/store\/([^`]+\.test\.ts)`\s*\|\s*$/.exec(line);
    if (row) rows.set(row[1]!, row[2]!);
  }
  return rows;
}

/** Tags named in the titles of it(...) in a test file. */
async function testedIn(file: string): Promise<Set<string>> {
  const source = await readFile(new URL(file, TEST_DIR), 'utf8');
  const titles = [...source.matchAll(/\bit\(\s*(['"`])((?:(?!\1).)*)\1/g)].map((match) => match[2]!);
  return new Set(titles.flatMap((title) => title.match(LABEL) ?? []));
}

describe("the Lua scripts' branch list (docs/redis-scripts.md)", () => {
  it('every branch tag names the script it is written in', async () => {
    const misplaced = [...(await taggedBranches())].filter(([label, file]) => `${label.split('/')[0]}.lua` !== file);
    expect(misplaced).toEqual([]);
  });

  it('every tagged branch has a row, and every row a tagged branch', async () => {
    const tags = await taggedBranches();
    const rows = await documentedBranches();
    expect([...tags.keys()].filter((label) => !rows.has(label))).toEqual([]);
    expect([...rows.keys()].filter((label) => !tags.has(label))).toEqual([]);
  });

  it("every row's test file has a test titled with its branch", async () => {
    const missing: string[] = [];
    const cache = new Map<string, Set<string>>();
    for (const [label, file] of await documentedBranches()) {
      if (!cache.has(file)) cache.set(file, await testedIn(file).catch(() => new Set<string>()));
      if (!cache.get(file)!.has(label)) missing.push(`${label} (${file})`);
    }
    expect(missing).toEqual([]);
  });
});
