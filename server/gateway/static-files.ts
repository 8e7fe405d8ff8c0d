/** Serves the built pages (dist/client) read-only, never outside that folder. */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { HttpResponse } from './transport/types.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export function staticFiles(root: string): (path: string) => Promise<HttpResponse | null> {
  const base = resolve(root);
  return async (path) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return null;
    }
    const file = resolve(base, `.${decoded.endsWith('/') ? `${decoded}index.html` : decoded}`);
    if (!file.startsWith(base + sep)) return null;
    // A page's folder without the slash (/kiosk) is the page (/kiosk/index.html).
    if (!extname(file)) return (await read(file)) ?? (await read(resolve(file, 'index.html')));
    return read(file);
  };

  async function read(file: string): Promise<HttpResponse | null> {
    try {
      const body = await readFile(file);
      const immutable = file.includes(`${sep}assets${sep}`);
      return {
        status: 200,
        headers: {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          'x-content-type-options': 'nosniff',
        },
        body,
      };
    } catch {
      return null;
    }
  }
}
