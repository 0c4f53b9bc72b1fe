/**
 * A multi-objective journal written by the real Optuna 5.0.0 (.venv), imported into the library and
 * opened in Results: the directions and Optuna's metric names come along, the best trials are Optuna's
 * best_trials (feasible only), the weighted-sum best is the lowest recorded L, and the library lists L;
 * exported again, it keeps its directions and names and reads back in Optuna 5.0 with the same best_trials.
 */
import 'fake-indexeddb/auto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../scripts/python-env.mjs';
import { openIdbStorage, type IdbStorage } from '../../../src/persistence/idb-storage.ts';
import { StudyLibrary, type NetworkLibrary } from '../../../src/state/library.svelte.ts';
import { paretoSet } from '../../../src/state/pareto.ts';
import { StudyResults, type ImportanceSource, type NetworkSource } from '../../../src/state/study-results.svelte.ts';

const MAKE = `
import json, sys, warnings
import optuna
warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)
from optuna.storages.journal import JournalFileBackend
storage = optuna.storages.JournalStorage(JournalFileBackend(sys.argv[1]))
study = optuna.create_study(study_name="optuna5-pareto", storage=storage, directions=["minimize", "minimize", "minimize"])
study.set_metric_names(["NRMSE", "Calibration error", "1 - contraction"])
points = [(0.3, 0.1, 0.5), (0.2, 0.2, 0.5), (0.25, 0.25, 0.6), (0.1, 0.3, 0.4), (0.05, 0.05, 0.05)]
for i, p in enumerate(points):
    t = study.ask()
    t.suggest_float("lr", 1e-4, 1e-3)
    t.set_user_attr("L", sum(p))
    t.set_constraint("params", 1.0 if i == 4 else -1.0)
    study.tell(t, list(p))
print(json.dumps(sorted(t.number for t in study.best_trials)))
`;
const READ = `
import json, sys, warnings
import optuna
warnings.filterwarnings("ignore")
from optuna.storages.journal import JournalFileBackend
storage = optuna.storages.JournalStorage(JournalFileBackend(sys.argv[1]))
study = optuna.load_study(study_name="optuna5-pareto", storage=storage)
print(json.dumps({"directions": [d.name for d in study.directions], "names": study.metric_names,
                  "best": sorted(t.number for t in study.best_trials)}))
`;

const none: NetworkLibrary & NetworkSource = {
  deleteStudy: async () => 0,
  list: async () => [],
  load: async () => undefined,
  save: async () => undefined,
};
const fanova: ImportanceSource = { importances: () => new Promise(() => {}) };

let dir: string;
let journal: string;
let optunaBest: number[];
let storage: IdbStorage;

beforeAll(() => {
  if (!existsSync(VENV_PYTHON)) throw new Error(`${VENV_PYTHON} is missing: run ${SETUP_COMMAND}`);
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-results-pareto-'));
  const file = path.join(dir, 'optuna5.log');
  const r = spawnSync(VENV_PYTHON, ['-c', MAKE, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  optunaBest = JSON.parse(r.stdout) as number[];
  journal = readFileSync(file, 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  storage = await openIdbStorage(`results-pareto-${Math.random()}`);
});
afterEach(async () => {
  await storage.close();
});

describe('an Optuna 5.0 multi-objective journal in Results', () => {
  it('opens with its objectives, best trials and weighted-sum best, and goes back to Optuna unchanged', async () => {
    const library = new StudyLibrary(storage, none);
    const [id] = await library.importJournal(journal, 'optuna5.log');
    const results = new StudyResults(storage, none, fanova);
    await results.load(id!);
    expect(results.error).toBeNull();
    expect(results.directions).toEqual(['minimize', 'minimize', 'minimize']);
    expect(results.metricNames).toEqual(['NRMSE', 'Calibration error', '1 - contraction']);
    expect(optunaBest).toEqual([0, 1, 3]);
    expect(paretoSet(results.trials, results.directions).map((t) => t.number)).toEqual(optunaBest);
    // Trial 4 has the lowest L but violates its constraint: as Optuna's best_trial, the weighted-sum best
    // is the lowest L among the feasible trials.
    expect(results.best?.number).toBe(3);
    const entry = library.studies!.find((s) => s.studyId === id)!;
    expect(entry.best).toEqual({ number: 3, value: 0.1 + 0.3 + 0.4 });

    const back = path.join(dir, 'back.log');
    writeFileSync(back, (await library.exportJournal(id!))!);
    const r = spawnSync(VENV_PYTHON, ['-c', READ, back], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      directions: ['MINIMIZE', 'MINIMIZE', 'MINIMIZE'],
      names: ['NRMSE', 'Calibration error', '1 - contraction'],
      best: optunaBest,
    });
  });
});
