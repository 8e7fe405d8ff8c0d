/**
 * Builds the browser pages and the SDK bundle (Vite) into dist/client, with
 * .br and .gz beside each text file (precompress.ts), when
 * they are missing or older than their sources, so `npm start`, `npm run
 * cluster` and the test run serve current pages. Paths are relative to the
 * working directory: the repository root under npm.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine } from './command-line.js';
import { precompress } from './precompress.js';

/** Written after both builds: its age is the age of the whole build. */
const STAMP = 'dist/client/.built';
/** The pages first: their build empties dist/client, the SDK's then adds dist/client/sdk, the service worker's dist/client/sw.js. */
export const BUILD_CONFIGS = ['client/vite.config.ts', 'client/sdk/vite.config.ts', 'client/service-worker/vite.config.ts'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function pagesAreCurrent(): boolean {
  // The build's own code counts as a source: a change to how it precompresses calls for a new build.
  const builders = ['server/main/build-pages.ts', 'server/main/precompress.ts'].map((file) => statSync(file).mtimeMs);
  return existsSync(STAMP) && statSync(STAMP).mtimeMs >= Math.max(newestMtime('client'), newestMtime('shared'), newestMtime('packages/grant/src'), ...builders);
}

export async function buildPages(): Promise<void> {
  const { build } = await import('vite');
  for (const configFile of BUILD_CONFIGS) await build({ configFile, logLevel: 'warn' });
  precompress('dist/client');
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

export async function buildPagesIfStale(): Promise<void> {
  if (pagesAreCurrent()) return;
  console.log('building the pages and the SDK bundle (vite)…');
  await buildPages();
}

// `npm run build`: always build.
if (process.argv[1]?.endsWith('build-pages.ts')) {
  parseCommandLine({ name: 'npm run build --', summary: 'Builds the browser pages and the SDK bundle (Vite) into dist/client.' });
  await buildPages();
}
