/**
 * The Dockerfile read against the code, since it is not built here: the runtime stage holds every file the
 * production entry points import at run time (walked through the import graph from each role's start file),
 * every package they import is a production dependency (what `npm ci --omit=dev` installs; tsx among
 * them, for `node --import tsx`), what it copies exists or comes from the build stage and is not excluded
 * by .dockerignore, it runs as a non-root user, its health check is copied in, and it exposes the roles' ports.
 */
import { builtinModules } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importGraph } from '../support/import-graph.js';
import { imageEntrypoint, npmScriptsByCommand } from '../support/deploy-files.js';

const dockerfile = readFileSync('Dockerfile', 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1);
const runtime = stages.at(-1)!;
const instructions = (stage: string, name: string) =>
  stage
    .split('\n')
    .filter((line) => line.startsWith(`${name} `))
    .map((line) => line.slice(name.length + 1));

/** COPY in the runtime stage: [source, destination, from a stage?]. */
const copies = instructions(runtime, 'COPY').map((line) => {
  const fromStage = line.startsWith('--from=');
  const parts = line.replace(/^--from=\S+ /, '').split(' ');
  return { sources: parts.slice(0, -1), fromStage };
});
const copiedPaths = copies.flatMap((copy) => copy.sources);
const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
/** The production entry points: the npm scripts the image's containers run. */
const ENTRY_POINTS = ['gateway', 'controller', 'reservations', 'migrate'].map((script) => {
  const command = [...npmScriptsByCommand()].find(([, name]) => name === script)![0];
  return command.split(' ').at(-1)!;
});

function runtimeImports(): { files: Set<string>; packages: Set<string> } {
  const graph = importGraph('.');
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [...ENTRY_POINTS];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const edge of graph.get(file) ?? []) {
      if (edge.typeOnly) continue;
      if (graph.has(edge.target)) queue.push(edge.target);
      // A file outside the graph (packages/grant/src/…, imported as source): its own imports are that package's.
      else if (edge.target.endsWith('.ts')) files.add(edge.target);
      else packages.add(edge.target);
    }
  }
  return { files, packages };
}

describe('Dockerfile', () => {
  it("runs the roles' entry points with `node --import tsx`, and tsx is a production dependency", () => {
    expect(imageEntrypoint()).toEqual(['node', '--import', 'tsx']);
    expect(packageJson.dependencies.tsx).toBeDefined();
    expect(instructions(runtime, 'RUN').join('\n')).toContain('npm ci --omit=dev');
    expect(instructions(stages[0]!, 'RUN')).toEqual(expect.arrayContaining(['npm ci', 'npm run build']));
  });

  it('copies into the runtime stage every file the production entry points import at run time', () => {
    const { files } = runtimeImports();
    expect(files.size).toBeGreaterThan(50);
    const missing = [...files].filter((file) => !copiedPaths.some((path) => file === path || file.startsWith(`${path}/`)));
    expect(missing).toEqual([]);
  });

  it('installs every package they import (a production dependency, a workspace package or Node itself)', () => {
    const { packages } = runtimeImports();
    const name = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    const builtins = new Set(builtinModules);
    const notInstalled = [...packages]
      .map(name)
      .filter((pkg) => !pkg.startsWith('node:') && !builtins.has(pkg) && packageJson.dependencies[pkg] === undefined && pkg !== '@waitroom/grant');
    expect(notInstalled).toEqual([]);
    // The workspace package is built in the build stage and copied over.
    expect(copiedPaths).toContain('/app/packages/grant/dist');
  });

  it('copies only what exists in the repository or comes from the build stage, and nothing .dockerignore leaves out', () => {
    const ignored = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    for (const copy of copies.filter((candidate) => !candidate.fromStage)) {
      for (const source of copy.sources) {
        expect(existsSync(source), source).toBe(true);
        expect(ignored.filter((pattern) => source === pattern || source.startsWith(`${pattern}/`))).toEqual([]);
      }
    }
    // What the build stage copies from must be what `npm run build` writes.
    expect(copies.filter((copy) => copy.fromStage).flatMap((copy) => copy.sources)).toEqual(
      expect.arrayContaining(['/app/dist/client', '/app/packages/grant/dist']),
    );
  });

  it('runs as a non-root user, with its health check copied in, exposing the roles ports', () => {
    const user = instructions(runtime, 'USER').at(-1);
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    const healthcheck = instructions(runtime, 'HEALTHCHECK').at(-1)!;
    expect(healthcheck).toContain('"deploy/probe.mjs"');
    expect(healthcheck).toContain('/livez');
    expect(copiedPaths).toContain('deploy/probe.mjs');
    expect(instructions(runtime, 'EXPOSE').join(' ').split(' ')).toEqual(expect.arrayContaining(['8080', '8081', '9090']));
  });
});
