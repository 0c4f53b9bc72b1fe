// README.md's Architecture section is drawn from the lint table: the layer table is generated between
// markers (`npm run docs:architecture`), and the hand-drawn picture must put every layer below the
// layers that may import it. Either drifting from eslint/layers.js fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BEGIN,
  END,
  ENTRIES,
  importsByLayer,
  PACKAGES,
  PURE_LAYERS,
  renderLayerTable,
  spliceReadme,
} from '../../../scripts/architecture.mjs';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const SECTION = README.slice(README.indexOf('## Architecture'), README.indexOf('### Data layout'));
const LAYERS = Object.keys(PACKAGES.layers);

/** The picture's rows, top first: the layer names each line of the fenced block mentions. */
function pictureRows(section: string): string[][] {
  const fence = section.split('```').find((block) => block.includes('composition root'));
  if (fence === undefined) throw new Error('no layer picture (a fenced block naming the composition root)');
  const word = new RegExp(`(?<![\\w/.-])(${LAYERS.map((l) => l.replace('.', '\\.')).join('|')})(?![\\w/-])`, 'g');
  return fence
    .split('\n')
    .map((line) => [...line.replace(/\(.*?\)/g, '').matchAll(word)].map((m) => m[1]!))
    .filter((r) => r.length > 0);
}

/** Allowed imports (from the lint table) whose target the picture does not draw on a lower row. */
function upwardImports(rows: string[][]): string[] {
  const rowOf = new Map(rows.flatMap((names, i) => names.map((n) => [n, i] as const)));
  return Object.entries(ENTRIES).flatMap(([entry, importers]) =>
    importers
      .filter((layer) => rowOf.get(layer)! >= rowOf.get(entry.split('/')[0]!)!)
      .map((layer) => `${layer} → ${entry}`),
  );
}

describe("README's architecture section", () => {
  it('holds the layer table exactly as eslint/layers.js renders it', () => {
    expect(README).toContain(BEGIN);
    expect(spliceReadme(README, renderLayerTable()), 'run `npm run docs:architecture`').toBe(README);
  });

  it('renders a changed lint table differently, so a stale README fails', () => {
    const entries = { ...ENTRIES, 'inference/index.ts': ENTRIES['inference/index.ts']!.filter((l) => l !== 'ui') };
    const changed = renderLayerTable({ entries });
    expect(changed).not.toBe(renderLayerTable());
    expect(spliceReadme(README, changed)).not.toBe(README);
    expect(importsByLayer(entries).get('ui')).not.toContain('inference');
    expect(renderLayerTable({ pure: PURE_LAYERS.filter((l) => l !== 'cluster') })).toContain('| `cluster/` |');
  });

  it('refuses a README without the markers', () => {
    expect(() => spliceReadme(README.replace(END, ''), renderLayerTable())).toThrow(/markers/);
  });

  it('draws every layer once, each below every layer allowed to import it', () => {
    const rows = pictureRows(SECTION);
    const drawn = rows.flat();
    expect([...drawn].sort()).toEqual([...LAYERS].sort());
    expect(upwardImports(rows), 'imports that the picture draws sideways or upwards').toEqual([]);
  });

  it('finds an import drawn sideways', () => {
    const moved = SECTION.replace('  study-config ◄', '  ◄').replace(
      '  cluster   inference',
      '  study-config   cluster   inference',
    );
    expect(upwardImports(pictureRows(moved))).toContain('cluster → study-config/index.ts');
  });
});
