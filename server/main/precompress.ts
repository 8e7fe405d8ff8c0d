/**
 * Writes `NAME.br` (brotli, best) and `NAME.gz` (gzip level 9) beside each
 * text file of a build over MIN_BYTES, once at build time, so the gateway
 * (server/gateway/static-files.ts) serves compressed pages without spending
 * CPU per request. A variant that does not come out smaller is not written.
 * Vite empties the output folders first, so no stale variant survives a build.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** Below this the headers outweigh what compression saves. */
export const MIN_BYTES = 1024;
const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.map']);

function textFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return textFiles(path);
    return TEXT.has(extname(entry.name)) ? [path] : [];
  });
}

/** Precompresses every text file under `dir`; returns how many files got variants. */
export function precompress(dir: string): number {
  let count = 0;
  for (const file of textFiles(dir)) {
    const body = readFileSync(file);
    if (body.length < MIN_BYTES) continue;
    const variants = {
      '.br': brotliCompressSync(body, {
        params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      }),
      '.gz': gzipSync(body, { level: 9 }),
    };
    for (const [suffix, bytes] of Object.entries(variants)) if (bytes.length < body.length) writeFileSync(file + suffix, bytes);
    count++;
  }
  return count;
}
