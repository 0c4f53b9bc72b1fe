/**
 * study.py's guards, run with Debian's python3 (optuna 3.1, numpy; no BayesFlow): --dry-run refuses the
 * study's exported journal and says how to dry-run on a copy; TIMEOUT_S is the study's, counted from the
 * first worker's start, so a worker started after it has passed runs nothing; the import errors name the
 * real cause and the tested versions (Python 3.10–3.12, numpy < 2, keras pinned); a missing data file
 * points at --simulate.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterExport, JOURNAL_FILE, type ClusterOptions } from '../../../src/cluster/index.ts';
import { readJournalStudies } from '../../../src/engine/storages/journal/index.ts';
import { smokeStudyConfig, type StudyConfig } from '../../../src/study-config/index.ts';

const PYTHON = '/usr/bin/python3';
const config: StudyConfig = { ...smokeStudyConfig(), name: 'guards', timeout: 3 };
let dir: string;

beforeAll(() => {
  const probe = spawnSync(PYTHON, ['-c', 'import optuna, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error(`${PYTHON} cannot import optuna and numpy (apt-get install python3-optuna): ${probe.stderr}`);
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-study-py-guards-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function exportTo(name: string, options?: ClusterOptions): string {
  const folder = path.join(dir, name);
  mkdirSync(folder);
  for (const f of clusterExport(config, null, options).files) writeFileSync(path.join(folder, f.path), f.content);
  return folder;
}

function py(cwd: string, args: readonly string[]): { status: number | null; out: string } {
  const r = spawnSync(PYTHON, args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

function trialCount(file: string): number {
  return readJournalStudies(readFileSync(file, 'utf8')).studies.find((s) => s.name === config.name)!.trials.length;
}

describe('study.py --dry-run', () => {
  it("is refused on the study's exported journal, with or without --storage naming it, and says how to use a copy", () => {
    const folder = exportTo('dry-run');
    const journal = readFileSync(path.join(folder, JOURNAL_FILE), 'utf8');
    for (const extra of [[], ['--storage', `journal:${path.join(folder, JOURNAL_FILE)}`]]) {
      const r = py(folder, ['study.py', '--dry-run', '--n-trials', '1', ...extra]);
      expect(r.status, r.out).not.toBe(0);
      expect(r.out).toContain(`--dry-run would write synthetic trials into the study's journal ${JOURNAL_FILE}`);
      expect(r.out).toContain('cp journal.log dry-run.log && python3 study.py --dry-run --storage journal:dry-run.log');
    }
    expect(readFileSync(path.join(folder, JOURNAL_FILE), 'utf8')).toBe(journal);
    copyFileSync(path.join(folder, JOURNAL_FILE), path.join(folder, 'dry-run.log'));
    const ok = py(folder, ['study.py', '--dry-run', '--n-trials', '1', '--storage', 'journal:dry-run.log']);
    expect(ok.status, ok.out).toBe(0);
  });
});

describe("study.py's TIMEOUT_S", () => {
  it("counts from the first worker's start: a worker started after the study's time is up runs no trial", () => {
    const folder = exportTo('timeout');
    const storage = ['--storage', 'journal:shared.log'];
    const started = Date.now();
    const first = py(folder, ['study.py', '--dry-run', '--n-trials', '1', ...storage]);
    expect(first.status, first.out).toBe(0);
    expect(trialCount(path.join(folder, 'shared.log'))).toBe(1);
    // A busy wait is enough: the limit is 3 s from the first worker's start.
    while (Date.now() - started < 3500) spawnSync('sleep', ['0.2']);
    const late = py(folder, ['study.py', '--dry-run', '--n-trials', '1', ...storage]);
    expect(late.status, late.out).toBe(0);
    expect(late.out).toContain("has used its time limit of 3.0 s (counted from the first worker's start)");
    expect(trialCount(path.join(folder, 'shared.log'))).toBe(1);
  });
});

describe("study.py's import errors", () => {
  it('a missing BayesFlow: the real error and the tested versions (Python 3.10–3.12, numpy < 2, keras pinned)', () => {
    const folder = exportTo('no-bayesflow');
    const r = py(folder, ['study.py', '--storage', 'journal:run.log', '--n-trials', '1']);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('the import failed: ModuleNotFoundError("No module named \'bayesflow\'")');
    expect(r.out).toContain(
      'On Python 3.10 to 3.12 install the tested versions (bayesflow 2.0.5, keras 3.10.0, numpy < 2)',
    );
    expect(r.out).toContain('python3 -m pip install -r requirements.txt');
  });

  it("amortized-dmc's DMC class: the import error of its own dependencies is shown, not hidden", () => {
    const folder = exportTo('amortized', { simulator: 'amortized-dmc', network: 'project' });
    writeFileSync(path.join(folder, 'dmc.py'), 'import a_dependency_not_installed\nclass DMC:\n    pass\n');
    const r = py(folder, ['-c', 'import study; study.simulate(2, 1)']);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain(
      'could not be imported: ModuleNotFoundError("No module named \'a_dependency_not_installed\'")',
    );
  });

  it('a missing data file points at --simulate', () => {
    const folder = exportTo('no-data');
    const r = py(folder, ['-c', 'import study; study.load_sets(study.VALIDATION_FILE)']);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/validation\.npz is missing: export the study again, or pass --simulate/);
  });
});

describe("the export's README", () => {
  it('recommends PostgreSQL or a journal over SQLite for many workers, and says which Python, numpy and keras', () => {
    const readme = String(clusterExport(config, null).files.find((f) => f.path === 'README.md')!.content);
    expect(readme).toContain('Storage for many workers: PostgreSQL');
    expect(readme).toContain(
      "SQLite suits a few workers on one machine's local disk only: its locking is\nunsafe on a network file system",
    );
    expect(readme).toContain('bayesflow 2.0.5, which needs Python 3.10 to 3.12\nand numpy < 2');
    expect(readme).toContain(
      "The study's time limit (3 s) counts from the first worker's start, for all workers together",
    );
    expect(readme).toContain('cp journal.log dry-run.log && python3 study.py --dry-run');
  });
});
