/**
 * Serves the built pages (dist/client) read-only, never outside that folder,
 * fit for slow phone networks (docs/decisions/022-page-weight.md):
 *
 * - the build writes `.br` and `.gz` beside each text file (server/main/precompress.ts);
 *   the answer is the best one the client accepts (br > gzip > identity), with
 *   `Vary: Accept-Encoding`;
 * - content-hashed files (Vite's `/assets/…-HASH.js`) are `immutable` for a year;
 *   every other file (HTML, the SDK's stable /sdk/waitroom.js) is `no-cache`
 *   with a strong ETag, answered 304 when `If-None-Match` names it.
 *
 * Each file is read once and kept in memory: the set is small and fixed per build.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { HttpResponse } from './transport/types.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The SDK's stable URLs and the pages: always revalidated (a 304 costs one round trip and no body). */
export const REVALIDATE = 'no-cache';

/** The precompressed variants, best first, by their Content-Encoding name and file suffix. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;
type EncodingName = (typeof ENCODINGS)[number]['name'];

interface Variant {
  body: Buffer;
  etag: string;
}

interface StaticFile {
  type: string;
  cacheControl: string;
  identity: Variant;
  encoded: Partial<Record<EncodingName, Variant>>;
}

/** What a request says that changes the answer: its Accept-Encoding and If-None-Match headers. */
export type RequestHeaders = Readonly<Record<string, string | undefined>>;

function variant(body: Buffer, label: string): Variant {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  return { body, etag: `"${hash}${label}"` };
}

/** The encodings the client takes (q > 0), from an Accept-Encoding header. */
function accepted(header: string | undefined): Set<string> {
  const names = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) names.add(name);
  }
  return names;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

export function staticFiles(root: string): (path: string, headers?: RequestHeaders) => Promise<HttpResponse | null> {
  const base = resolve(root);
  const cache = new Map<string, Promise<StaticFile | null>>();
  return async (path, headers = {}) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return null;
    }
    const file = resolve(base, `.${decoded.endsWith('/') ? `${decoded}index.html` : decoded}`);
    if (!file.startsWith(base + sep)) return null;
    // A page's folder without the slash (/kiosk) is the page (/kiosk/index.html).
    const found = extname(file) ? await load(file) : ((await load(file)) ?? (await load(resolve(file, 'index.html'))));
    return found && answer(found, headers);
  };

  function load(file: string): Promise<StaticFile | null> {
    let entry = cache.get(file);
    if (!entry) {
      entry = read(file);
      cache.set(file, entry);
      // Misses are not kept: random paths must not grow the cache.
      void entry.then((found) => found ?? cache.delete(file));
    }
    return entry;
  }

  async function read(file: string): Promise<StaticFile | null> {
    const body = await readFile(file).catch(() => null);
    if (!body) return null;
    const encoded: StaticFile['encoded'] = {};
    for (const { name, suffix } of ENCODINGS) {
      const bytes = await readFile(file + suffix).catch(() => null);
      if (bytes) encoded[name] = variant(bytes, `-${name}`);
    }
    return {
      type: TYPES[extname(file)] ?? 'application/octet-stream',
      cacheControl: file.slice(base.length).includes(`${sep}assets${sep}`) ? IMMUTABLE : REVALIDATE,
      identity: variant(body, ''),
      encoded,
    };
  }
}

function answer(file: StaticFile, headers: RequestHeaders): HttpResponse {
  const takes = accepted(headers['accept-encoding']);
  const chosen = ENCODINGS.find(({ name }) => takes.has(name) && file.encoded[name]);
  const { body, etag } = chosen ? file.encoded[chosen.name]! : file.identity;
  const common: Record<string, string> = {
    'cache-control': file.cacheControl,
    etag,
    'x-content-type-options': 'nosniff',
    ...(Object.keys(file.encoded).length > 0 ? { vary: 'Accept-Encoding' } : {}),
  };
  if (matches(headers['if-none-match'], etag)) return { status: 304, headers: common, body: '' };
  return {
    status: 200,
    headers: { ...common, 'content-type': file.type, ...(chosen ? { 'content-encoding': chosen.name } : {}) },
    body,
  };
}
