/**
 * The waiting page's weight budget (issue 16 §5): everything a phone fetches
 * to show its place (the HTML and every script and stylesheet it names), as
 * the gateway sends it (the brotli variant where the build wrote one), stays
 * under 36 KB (30 KB until issue 18 added five features to the page; decision 022 says
 * why it moved); and none of it is zod or msgpackr, which the server keeps.
 * Fails with the figures when the page grows.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { buildPagesIfStale } from '../../server/main/build-pages.js';

const BUDGET_BYTES = 36_000;

beforeAll(() => buildPagesIfStale(), 120_000);

function waitingPageFiles(): string[] {
  const html = readFileSync('dist/client/index.html', 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
  return ['/index.html', ...new Set(assets)];
}

it(`sends the waiting page in under ${BUDGET_BYTES} bytes compressed`, () => {
  const sizes = waitingPageFiles().map((path) => {
    const file = `dist/client${path}`;
    return { path, bytes: statSync(existsSync(`${file}.br`) ? `${file}.br` : file).size };
  });
  const total = sizes.reduce((sum, { bytes }) => sum + bytes, 0);
  const report = sizes.map(({ path, bytes }) => `${bytes} B ${path}`).join(', ');
  expect(sizes.some(({ path }) => path.endsWith('.js'))).toBe(true);
  expect(total, `the waiting page is ${total} B compressed (budget ${BUDGET_BYTES}): ${report}`).toBeLessThan(BUDGET_BYTES);
});

it('ships neither zod nor msgpackr to the waiting page', () => {
  for (const path of waitingPageFiles().filter((p) => p.endsWith('.js'))) {
    const code = readFileSync(`dist/client${path}`, 'utf8');
    expect(code, path).not.toMatch(/ZodError|\$ZodType|_zod/);
    expect(code, path).not.toMatch(/useRecords|structuredClone.*Packr|bundleStrings/);
  }
});

it('ships no zod in the SDK bundle either (sites load it on phones too)', () => {
  for (const path of ['sdk/waitroom.js', 'sdk/waitroom.mjs']) {
    const code = readFileSync(`dist/client/${path}`, 'utf8');
    expect(code, path).not.toMatch(/ZodError|\$ZodType|_zod/);
  }
});
