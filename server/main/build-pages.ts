/**
 * Builds the waiting page (Vite) into dist/client when it is missing or older
 * than its sources, so `npm start` and `npm run cluster` serve current pages.
 * Paths are relative to the working directory: the repository root under npm.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export async function buildPagesIfStale(): Promise<void> {
  const built = 'dist/client/index.html';
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(newestMtime('client'), newestMtime('shared'))) return;
  console.log('building the pages (vite)…');
  const { build } = await import('vite');
  await build({ configFile: 'client/vite.config.ts', logLevel: 'warn' });
}
