// Unit tests mirror the code they test, so a module's tests are found by its path:
// src/nn/objective.ts → test/unit/nn/objective.test.ts, with further files for the same module named
// <module>.<aspect>.test.ts (study-run.resume.svelte.test.ts: `.svelte` marks a test that uses runes).
// Tests of bench/, scripts/ and eslint/ mirror those folders under bench/, scripts/ and lint/.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const UNIT = path.join(ROOT, 'test/unit');

/** Top folders of test/unit that mirror a folder other than src/<same name>. */
const ROOTS: Record<string, string> = { bench: 'bench', scripts: 'scripts', lint: 'eslint' };

/** Suites that check the repository as a whole rather than one module, each with its reason. */
const CROSS_CUTTING: Record<string, string> = {
  'lint/test-layout.test.ts': 'checks the layout of test/unit itself',
  'plots/diagnostics.test.ts': 'one suite over the four diagnostics plots (plots/diagnostics/*), which share its draws',
  'plots/optuna-plots.parity.test.ts':
    'one Python call to Optuna 5.0 for the rank, multi-study history and EDF plots (plots/rank, history, edf)',
};

const EXTENSIONS = ['.ts', '.svelte.ts', '.svelte', '.mjs', '.js', '/index.ts'];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return testFiles(p);
    return e.name.endsWith('.test.ts') ? [path.relative(UNIT, p).split(path.sep).join('/')] : [];
  });
}

/** The module a unit test file is named after, or null: its folder mirrored, its name up to the first dot. */
export function mirroredModule(rel: string, exists: (p: string) => boolean): string | null {
  const parts = rel.split('/');
  const top = parts[0]!;
  const base = ROOTS[top] !== undefined ? [ROOTS[top], ...parts.slice(1, -1)] : ['src', ...parts.slice(0, -1)];
  const module = parts.at(-1)!.split('.')[0]!;
  const stem = [...base, module].join('/');
  for (const ext of EXTENSIONS) if (exists(stem + ext)) return stem + ext;
  return null;
}

const onDisk = (p: string): boolean => existsSync(path.join(ROOT, p));

describe('unit tests mirror the modules they test', () => {
  it('names the module by folder and first name segment, aspects after a dot', () => {
    const files = new Set([
      'src/nn/objective.ts',
      'src/state/study-run.svelte.ts',
      'src/ui/App.svelte',
      'scripts/provision.mjs',
      'eslint/layers.js',
    ]);
    const has = (p: string): boolean => files.has(p);
    expect(mirroredModule('nn/objective.test.ts', has)).toBe('src/nn/objective.ts');
    expect(mirroredModule('nn/objective.recovery.test.ts', has)).toBe('src/nn/objective.ts');
    expect(mirroredModule('state/study-run.resume.svelte.test.ts', has)).toBe('src/state/study-run.svelte.ts');
    expect(mirroredModule('scripts/provision.test.ts', has)).toBe('scripts/provision.mjs');
    expect(mirroredModule('lint/layers.test.ts', has)).toBe('eslint/layers.js');
    expect(mirroredModule('train/objective.test.ts', has)).toBeNull();
    expect(mirroredModule('nn/objective-recovery.test.ts', has)).toBeNull();
  });

  it('every test file under test/unit is named after an existing module, or is listed as cross-cutting', () => {
    const strays = testFiles(UNIT).filter(
      (rel) => CROSS_CUTTING[rel] === undefined && mirroredModule(rel, onDisk) === null,
    );
    expect(strays, 'move each to test/unit/<layer>/<module>[.<aspect>].test.ts beside the src/ path it tests').toEqual(
      [],
    );
  });

  it('the cross-cutting list names only files that exist and mirror nothing', () => {
    for (const rel of Object.keys(CROSS_CUTTING)) {
      expect(existsSync(path.join(UNIT, rel)), rel).toBe(true);
      expect(mirroredModule(rel, onDisk), rel).toBeNull();
    }
  });
});
