/**
 * The layering the code relies on, checked on every run (issue 14 §3): no
 * run-time import cycle; pages and the SDK (client/) never import the server,
 * and shared/ imports neither; uWebSockets.js only inside the gateway's
 * transport. The graph is read with the TypeScript parser (test/support/import-graph.ts).
 */
import { describe, expect, it } from 'vitest';
import { importGraph, runtimeCycles } from '../support/import-graph.js';

const graph = importGraph(process.cwd());
const importsWhere = (from: (file: string) => boolean, to: (target: string) => boolean): string[] =>
  [...graph].flatMap(([file, edges]) => edges.filter((e) => from(file) && to(e.target)).map((e) => `${file} → ${e.target}`));

describe('import rules', () => {
  it('read the whole tree', () => {
    expect(graph.size).toBeGreaterThan(200);
    expect(graph.get('server/gateway/gateway.ts')?.length).toBeGreaterThan(5);
  });

  it('find a cycle of run-time imports, and not one closed by a type-only import', () => {
    const edge = (target: string, typeOnly = false) => ({ target, typeOnly });
    const made = new Map([
      ['a.ts', [edge('b.ts')]],
      ['b.ts', [edge('c.ts')]],
      ['c.ts', [edge('a.ts'), edge('d.ts')]],
      ['d.ts', [edge('c.ts', true)]],
    ]);
    expect(runtimeCycles(made)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('have no run-time import cycle', () => {
    expect(runtimeCycles(graph)).toEqual([]);
  });

  it('keep client/ and shared/ free of server/ imports, and shared/ free of client/ imports', () => {
    expect(
      importsWhere(
        (f) => f.startsWith('client/'),
        (t) => t.startsWith('server/'),
      ),
    ).toEqual([]);
    expect(
      importsWhere(
        (f) => f.startsWith('shared/'),
        (t) => t.startsWith('server/') || t.startsWith('client/'),
      ),
    ).toEqual([]);
  });

  it('import uWebSockets.js only in the gateway transport', () => {
    expect(
      importsWhere(
        (f) => !f.startsWith('server/gateway/transport/'),
        (t) => t === 'uWebSockets.js',
      ),
    ).toEqual([]);
  });
});
