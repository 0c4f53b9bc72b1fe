// No file of src/ imports a file that imports it back, directly or around a loop: shared types live in
// a module of their own, below both users. Type-only imports count (they are arrows of the design too).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, importSpecifiers, sourceFiles } from './import-graph.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const src = path.join(root, 'src');

describe('import cycles', () => {
  it('src/ has none (TypeScript and Svelte files, type imports included)', () => {
    const files = sourceFiles(src);
    expect(files.some((f) => f.endsWith('.svelte'))).toBe(true);
    const graph = importGraph(files);
    // The graph is real: nn/index.ts imports nn/pure.ts, and a Svelte view imports the state layer.
    expect(graph.get(path.join(src, 'nn/index.ts'))).toContain(path.join(src, 'nn/pure.ts'));
    expect(graph.get(path.join(src, 'ui/App.svelte'))!.length).toBeGreaterThan(0);
    const cycles = importCycles(graph).map((c) => c.map((f) => path.relative(src, f)).join(' -> '));
    expect(cycles, `import cycles in src/:\n${cycles.join('\n')}`).toEqual([]);
  });

  it('finds and names a cycle, a type-only one and one through a .svelte file included', () => {
    const files: Record<string, string> = {
      '/r/a.ts': "import type { B } from './b.ts';\nexport const a = 1;",
      '/r/b.ts': "import { c } from './c.ts';\nexport type B = number;",
      '/r/c.ts': "export { a as c } from './a.ts';",
      '/r/d.ts': "import './a.ts';",
      '/r/View.svelte': '<script lang="ts">\n  import { e } from \'./e.ts\';\n</script>\n<p>{e}</p>',
      '/r/e.ts': "export const e = import('./View.svelte');",
    };
    const graph = importGraph(Object.keys(files), (f) => files[f]!);
    expect(importCycles(graph)).toEqual([
      ['/r/a.ts', '/r/b.ts', '/r/c.ts', '/r/a.ts'],
      ['/r/View.svelte', '/r/e.ts', '/r/View.svelte'],
    ]);
    expect(importSpecifiers('/r/x.ts', "import x from 'pkg';\nimport y from './y.ts?url';")).toEqual([
      'pkg',
      './y.ts?url',
    ]);
  });
});
