/**
 * A Pareto study on the cluster, with the project's .venv (Optuna 5.0.0; --dry-run needs no BayesFlow):
 * the exported journal keeps the study's three directions and metric names; dry-run workers with TPE and
 * with NSGA-II tell three values per trial, report nothing (Optuna cannot prune them), record L and print
 * the Pareto set (Optuna's best_trials), which the app computes alike after merging the journal back.
 * study.py's objective_values equals the app's on one diagnostics table.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../scripts/python-env.mjs';
import { clusterExport, JOURNAL_FILE } from '../../../src/cluster/index.ts';
import { createStudy, RandomSampler, TrialState } from '../../../src/engine/index.ts';
import {
  exportStudyJournal,
  JournalStorage,
  MemoryJournalBackend,
  readJournalStudies,
} from '../../../src/engine/storages/journal/index.ts';
import { objectiveValues } from '../../../src/metrics/index.ts';
import { mergeClusterJournal } from '../../../src/state/cluster-transfer.ts';
import { paretoSet } from '../../../src/state/pareto.ts';
import { CONFIG_ATTR } from '../../../src/state/study-meta.ts';
import { smokeStudyConfig, suggestAll, type StudyConfig } from '../../../src/study-config/index.ts';

const MIN3 = ['minimize', 'minimize', 'minimize'] as const;
let dir: string;

function paretoConfig(sampler: 'tpe' | 'nsga2'): StudyConfig {
  const c = smokeStudyConfig();
  return {
    ...c,
    name: `cluster-pareto-${sampler}`,
    nTrials: 20,
    objective: { type: 'pareto', metrics: ['nrmse', 'calibration', 'contraction'] },
    sampler: { ...c.sampler, type: sampler, nStartupTrials: 2, ...(sampler === 'nsga2' ? { populationSize: 4 } : {}) },
  };
}

/** The app's study: two finished Pareto trials with L recorded. */
async function appStudy(config: StudyConfig): Promise<{ storage: JournalStorage; studyId: number }> {
  const storage = new JournalStorage(new MemoryJournalBackend());
  const study = await createStudy({
    studyName: config.name,
    storage,
    directions: [...MIN3],
    sampler: new RandomSampler({ seed: 1 }),
  });
  await storage.setStudyUserAttr(study.studyId, CONFIG_ATTR, config as never);
  for (const values of [
    [0.2, 0.1, 0.5],
    [0.3, 0.05, 0.6],
  ]) {
    const trial = await study.ask();
    await suggestAll(trial, config);
    await trial.setUserAttr('L', values[0]! + values[1]! + values[2]!);
    await study.tell(trial, values);
  }
  return { storage, studyId: study.studyId };
}

function py(cwd: string, args: readonly string[]): { status: number | null; out: string } {
  const r = spawnSync(VENV_PYTHON, args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

beforeAll(() => {
  if (!existsSync(VENV_PYTHON)) throw new Error(`${VENV_PYTHON} is missing: run ${SETUP_COMMAND}`);
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-cluster-pareto-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a Pareto study in study.py (Optuna 5.0.0, --dry-run)', () => {
  for (const sampler of ['tpe', 'nsga2'] as const) {
    it(`runs with ${sampler}, tells three values, prints the Pareto set and merges back`, async () => {
      const config = paretoConfig(sampler);
      const { storage, studyId } = await appStudy(config);
      const folder = path.join(dir, sampler);
      mkdirSync(folder);
      const journal = await exportStudyJournal(storage, studyId);
      for (const f of clusterExport(config, journal).files) writeFileSync(path.join(folder, f.path), f.content);
      const script = readFileSync(path.join(folder, 'study.py'), 'utf8');
      expect(script).toContain('OBJECTIVES: list[str] | None = ["nrmse", "calibration", "contraction"]');
      if (sampler === 'nsga2') expect(script).toContain('NSGAIISampler(seed=seed, population_size=4)');
      expect(readFileSync(path.join(folder, 'README.md'), 'utf8')).toContain(
        'This is a Pareto study: each trial returns nrmse, calibration, contraction (each minimised',
      );
      copyFileSync(path.join(folder, JOURNAL_FILE), path.join(folder, 'dry-run.log'));
      const r = py(folder, ['study.py', '--dry-run', '--n-trials', '6', '--storage', 'journal:dry-run.log']);
      expect(r.status, r.out).toBe(0);
      const head = /(\d+) complete trials, (\d+) on the Pareto front \(dry run\)/.exec(r.out);
      expect(head, r.out).not.toBeNull();
      expect(Number(head![1])).toBe(8);
      const printed = [...r.out.matchAll(/^ {2}trial (\d+): nrmse /gm)].map((m) => Number(m[1]));
      expect(printed.length).toBe(Number(head![2]));

      const grown = readFileSync(path.join(folder, 'dry-run.log'), 'utf8');
      const s = readJournalStudies(grown).studies.find((x) => x.name === config.name)!;
      expect(s.directions).toEqual([1, 1, 1]);
      const added = s.trials.slice(2);
      expect(added).toHaveLength(6);
      for (const t of added) {
        expect(t.state).toBe(TrialState.COMPLETE);
        expect(t.values).toHaveLength(3);
        expect(t.userAttrs?.['dry_run']).toBe(true);
        expect(typeof t.userAttrs?.['L']).toBe('number');
        expect([...(t.intermediateValues ?? new Map())]).toEqual([]);
      }

      await mergeClusterJournal(storage, studyId, grown);
      const merged = await storage.getAllTrials(studyId);
      expect(merged).toHaveLength(8);
      // Optuna's best_trials and the app's Pareto set name the same trials (numbers kept by the merge).
      expect(paretoSet(merged, MIN3).map((t) => t.number)).toEqual(printed);
    });
  }

  it('computes the objectives as the app does (objective_values)', () => {
    const folder = path.join(dir, 'values');
    mkdirSync(folder);
    const config = paretoConfig('tpe');
    config.objective = { type: 'pareto', metrics: ['contraction', 'nrmse'] };
    for (const f of clusterExport(config, null).files) writeFileSync(path.join(folder, f.path), f.content);
    const table = {
      rows: ['NRMSE', 'Posterior Contraction', 'Calibration Error'] as const,
      names: ['a', 'b', 'c'],
      values: [
        [0.1, 0.2, 0.4],
        [0.9, 0.5, 0.25],
        [0.01, 0.02, 0.09],
      ],
      undefinedCells: [],
    };
    const code =
      'import json, numpy as np, study\n' +
      `t = {k: np.array(v) for k, v in zip(${JSON.stringify(table.rows)}, ${JSON.stringify(table.values)})}\n` +
      'print(json.dumps(study.objective_values(t)))';
    const r = py(folder, ['-c', code]);
    expect(r.status, r.out).toBe(0);
    const values = JSON.parse(r.out) as number[];
    const app = objectiveValues(table, ['contraction', 'nrmse']);
    expect(values).toHaveLength(2);
    values.forEach((v, k) => expect(v).toBeCloseTo(app[k]!, 14));
  });
});
