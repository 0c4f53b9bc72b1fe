/**
 * `cli journal best` on a journal written by the real Optuna 5.0.0 (.venv): a two-objective study with
 * metric names and one constrained trial, and a single-objective one. The CLI names the same trials as
 * Optuna's best_trials / best_trial, with their values, the weighted sum's best from the recorded L.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../../scripts/python-env.mjs';
import { cli } from '../cli-process.ts';

const MAKE = `
import json, sys, warnings
import optuna
warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)
from optuna.storages.journal import JournalFileBackend
storage = optuna.storages.JournalStorage(JournalFileBackend(sys.argv[1]))
mo = optuna.create_study(study_name="pareto", storage=storage, directions=["minimize", "minimize"])
mo.set_metric_names(["NRMSE", "Calibration error"])
points = [(0.3, 0.1), (0.2, 0.2), (0.25, 0.25), (0.1, 0.3), (0.05, 0.05), (0.4, 0.4)]
for i, (a, b) in enumerate(points):
    t = mo.ask()
    t.suggest_float("lr", 1e-4, 1e-3)
    t.set_user_attr("L", a + b + i / 100)
    # trial 4 would dominate every other, but violates its constraint: best_trials leaves it out
    t.set_constraint("params", 5.0 if i == 4 else -1.0)
    mo.tell(t, [a, b])
so = optuna.create_study(study_name="single", storage=storage, direction="minimize")
for v in (0.7, 0.4, 0.9):
    t = so.ask()
    t.suggest_int("n", 1, 8)
    so.tell(t, v)
print(json.dumps({
    "version": optuna.__version__,
    "pareto": sorted(t.number for t in mo.best_trials),
    "single": so.best_trial.number,
}))
`;

let dir: string;
let file: string;
let optuna: { version: string; pareto: number[]; single: number };

beforeAll(() => {
  if (!existsSync(VENV_PYTHON)) throw new Error(`${VENV_PYTHON} is missing: run ${SETUP_COMMAND}`);
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-journal-best-'));
  file = path.join(dir, 'optuna5.log');
  const r = spawnSync(VENV_PYTHON, ['-c', MAKE, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  optuna = JSON.parse(r.stdout) as typeof optuna;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli journal best', () => {
  it("names Optuna 5.0's best_trials for a multi-objective study and best_trial for one objective", async () => {
    expect(optuna.version).toBe('5.0.0');
    const r = await cli(['journal', 'best', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [pareto, single] = JSON.parse(r.stdout) as {
      study: string;
      directions: string[];
      metricNames: string[] | null;
      best: { number: number; values: number[]; L: number | null }[];
      weightedSumBest: number | null;
    }[];
    expect(pareto!.study).toBe('pareto');
    expect(pareto!.metricNames).toEqual(['NRMSE', 'Calibration error']);
    expect(pareto!.best.map((t) => t.number)).toEqual(optuna.pareto);
    expect(optuna.pareto).toEqual([0, 1, 3]);
    expect(pareto!.best[0]!.values).toEqual([0.3, 0.1]);
    // Lowest recorded L among the feasible trials (trial 4's is lower, but it violates its constraint).
    expect(pareto!.weightedSumBest).toBe(0);
    expect(single!.best.map((t) => t.number)).toEqual([optuna.single]);
  });

  it('prints the Pareto set as text, one study at a time', async () => {
    const r = await cli(['journal', 'best', file, '--study', 'pareto']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('pareto: 3 best trials, the Pareto set (NRMSE, Calibration error; minimize, minimize)');
    expect(r.stdout).toContain('  trial 0: NRMSE 0.3, Calibration error 0.1, L 0.4');
    const missing = await cli(['journal', 'best', file, '--study', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('has no study "nope" (it has "pareto", "single")');
  });
});
