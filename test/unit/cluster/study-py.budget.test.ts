/**
 * study.py's budget check with the project's .venv (Optuna 5.0.0; --dry-run, no BayesFlow): a worker with
 * a parameter and a memory budget runs until six trials that count are done; every configuration over the
 * budget is PRUNED before anything runs, with the constraints, counts and reason the app computes for the
 * same parameters (checkBudget), and does not count towards the total.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../scripts/python-env.mjs';
import { clusterExport, JOURNAL_FILE } from '../../../src/cluster/index.ts';
import { TrialState } from '../../../src/engine/index.ts';
import { readJournalStudies } from '../../../src/engine/storages/journal/index.ts';
import { attrNumber } from '../../../src/engine/storages/journal/pyjson.ts';
import {
  checkBudget,
  overBudgetText,
  smokeStudyConfig,
  type StudyConfig,
  type SuggestedHyperparameters,
} from '../../../src/study-config/index.ts';

let dir: string;
beforeAll(() => {
  if (!existsSync(VENV_PYTHON)) throw new Error(`${VENV_PYTHON} is missing: run ${SETUP_COMMAND}`);
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-cluster-budget-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('study.py with a budget (Optuna 5.0.0, --dry-run)', () => {
  it('rejects what the app rejects, with the same numbers, and counts only the trials that ran', () => {
    const smoke = smokeStudyConfig();
    const config: StudyConfig = {
      ...smoke,
      name: 'cluster-budget',
      nTrials: 6,
      sampler: { ...smoke.sampler, type: 'random', seed: 3 },
      // embed_dim 128 networks are over 1.1 M parameters; batch 128 passes over 600 MB at N = 50.
      budget: { maxParams: 1_100_000, maxMemoryMB: 600 },
    };
    for (const f of clusterExport(config, null).files) writeFileSync(path.join(dir, f.path), f.content);
    copyFileSync(path.join(dir, JOURNAL_FILE), path.join(dir, 'dry-run.log'));
    const r = spawnSync(VENV_PYTHON, ['study.py', '--dry-run', '--storage', 'journal:dry-run.log'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const study = readJournalStudies(readFileSync(path.join(dir, 'dry-run.log'), 'utf8')).studies[0]!;
    // The journal's trial templates keep parameters in Optuna's internal form: the categoricals as indices.
    const params = (t: (typeof study.trials)[number]): SuggestedHyperparameters => {
      const p = t.paramsInternal!;
      const choice = (name: 'batch_size' | 'embed_dim'): number => {
        const d = smoke.searchSpace[name];
        return d.type === 'categorical' ? d.choices[p[name]!]! : p[name]!;
      };
      return {
        dropout: p['dropout']!,
        lr: p['lr']!,
        num_seeds: p['num_seeds']!,
        summary_dim: p['summary_dim']!,
        batch_size: choice('batch_size'),
        embed_dim: choice('embed_dim'),
      };
    };
    const rejected = study.trials.filter((t) => t.state === TrialState.PRUNED);
    const ran = study.trials.filter((t) => t.state === TrialState.COMPLETE);
    expect(ran).toHaveLength(6);
    expect(rejected.length).toBeGreaterThan(0);
    expect(study.trials).toHaveLength(6 + rejected.length);
    for (const t of study.trials) {
      const app = checkBudget(config, params(t));
      const u = t.userAttrs!;
      expect(u['parameter_count']).toBe(app.parameters);
      expect(attrNumber(u['memory_estimate_mb'])).toBe(Math.round(app.memoryMB));
      expect(attrNumber(t.systemAttrs!['constraints:params'])).toBe(app.constraints['params']);
      expect(attrNumber(t.systemAttrs!['constraints:memory'])).toBeCloseTo(app.constraints['memory']!, 9);
      if (t.state === TrialState.PRUNED) expect(u['over_budget']).toBe(overBudgetText(app));
      else expect(app.over).toEqual([]);
    }
    expect(rejected.some((t) => String(t.userAttrs!['over_budget']).includes('parameters'))).toBe(true);
  });
});
