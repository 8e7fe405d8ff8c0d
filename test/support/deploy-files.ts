/**
 * Reading the deployment files (deploy/) the way the tests check them: YAML documents as JSON (through
 * Debian's python3-yaml: there is no YAML parser among the npm dependencies), the manifests as
 * `kubectl kustomize` renders them, and what a container command must be to run an npm script.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ENV_PATHS, WHOLE_PART_VARIABLES } from '../../server/config/load.js';

const YAML_TO_JSON = 'import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(sys.stdin))))';

/** Every document of a YAML text (merge keys `<<:` resolved, as compose does). */
export function parseYamlDocuments(text: string): unknown[] {
  const json = execFileSync('python3', ['-c', YAML_TO_JSON], { input: text, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return (JSON.parse(json) as unknown[]).filter((document) => document !== null);
}

/** `kubectl kustomize DIR`, parsed. */
export function renderKustomization(dir: string): Record<string, any>[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return parseYamlDocuments(text) as Record<string, any>[];
}

/** The image's ENTRYPOINT (exec form) from the Dockerfile's last stage. */
export function imageEntrypoint(dockerfile = 'Dockerfile'): string[] {
  const lines = readFileSync(dockerfile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('ENTRYPOINT '));
  return JSON.parse(lines.at(-1)!.slice('ENTRYPOINT '.length)) as string[];
}

/** npm script name by its command (`node --import tsx server/main/start-gateway.ts` → gateway). */
export function npmScriptsByCommand(): Map<string, string> {
  const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  return new Map(Object.entries(scripts).map(([name, command]) => [command, name]));
}

/** The npm script a container runs (the image's entrypoint, then its first argument), or undefined. */
export function npmScriptOf(args: readonly string[]): string | undefined {
  return npmScriptsByCommand().get([...imageEntrypoint(), args[0]].join(' '));
}

/** Every environment variable the configuration reads. */
export const CONFIG_VARIABLES: ReadonlySet<string> = new Set([...Object.keys(ENV_PATHS), ...Object.keys(WHOLE_PART_VARIABLES)]);
