/**
 * The generated study.py against the app on the same inputs, with the project's pinned .venv (bayesflow 2.0.5,
 * keras 3.10 on JAX): the three metrics and L from the same posterior draws (and BayesFlow 2.0.5's own
 * metric functions on them), a NaN cell making L NaN, the optimizer's learning-rate schedule step by step
 * against src/nn/training/schedule.ts, the BayesFlow version check, and the exported training.npz /
 * validation.npz read by NumPy (and by study.py's load_sets) as exactly the browser simulator's arrays.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../scripts/python-env.mjs';
import { clusterData, clusterExport, type ClusterData } from '../../../src/cluster/index.ts';
import { computeDiagnostics, MetricsError, weightedMetricSum } from '../../../src/metrics/index.ts';
import { learningRateAt, scheduleShape } from '../../../src/nn/training/schedule.ts';
import { Rng } from '../../../src/shared/index.ts';
import { simulateBatch } from '../../../src/sim/index.ts';
import { dataSeeds, smokeStudyConfig, toDmcConfig, type StudyConfig } from '../../../src/study-config/index.ts';

const config: StudyConfig = {
  ...smokeStudyConfig(),
  name: 'parity',
  data: { trainingSets: 24, validationSets: 10 },
  weights: { recovery: 1, pc: 0.5, sbc: 2 },
};
const NAMES = ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'];
let dir: string;
let data: ClusterData;

const PROBE = `
import json, sys, warnings
sys.path.insert(0, sys.argv[1])
import numpy as np
import study

cases = json.load(open(sys.argv[2]))
out = {"cases": []}
from bayesflow.diagnostics.metrics import calibration_error, posterior_contraction, root_mean_squared_error
for c in cases:
    draws = np.array(c["draws"], dtype=np.float64).reshape(c["n"], c["S"], c["P"])
    truths = np.array(c["truths"], dtype=np.float64).reshape(c["n"], c["P"])
    table = study.diagnostics(draws, truths)
    with np.errstate(all="ignore"):
        bf = {
            "NRMSE": root_mean_squared_error(draws, truths, normalize=True)["values"],
            "Posterior Contraction": posterior_contraction(draws, truths)["values"],
            "Calibration Error": calibration_error(draws, truths)["values"],
        }
    out["cases"].append({
        "ours": {k: [None if np.isnan(x) else float(x) for x in v] for k, v in table.items()},
        "bayesflow": {k: [None if not np.isfinite(x) else float(x) for x in v] for k, v in bf.items()},
        "L": None if np.isnan(L := study.weighted_metric_sum(table)) else L,
        "undefined": study.undefined_cells(table),
    })

import keras
lr, epochs, batches = 0.003, 3, 7
optimizer = study.make_optimizer(keras, lr, epochs, batches)
schedule = optimizer._learning_rate
out["optimizer"] = {"class": type(optimizer).__name__, "clipnorm": optimizer.clipnorm, "epsilon": optimizer.epsilon,
                    "beta_1": optimizer.beta_1, "beta_2": optimizer.beta_2}
out["lr"] = [float(schedule(s)) for s in range(epochs * batches + 1)]

versions = {}
for version, allow in (("2.0.5", False), ("2.0.6", False), ("2.1.0", True)):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            study.check_bayesflow_version(version, allow)
            versions[version] = {"ok": True, "warning": " ".join(str(w.message) for w in caught)}
        except SystemExit as e:
            versions[version] = {"ok": False, "message": str(e)}
out["versions"] = versions

def values(a):
    return a.reshape(-1).tolist()
npz = {}
for file in (study.TRAINING_FILE, study.VALIDATION_FILE):
    with np.load(file, allow_pickle=False) as f:
        npz[file] = {k: {"dtype": str(f[k].dtype), "shape": list(f[k].shape), "values": values(f[k]) if f[k].dtype.kind != "U" else str(f[k])} for k in f.files}
    loaded = study.load_sets(file)
    npz[file]["load_sets_matches"] = sorted(loaded) == sorted([*study.INFERENCE_VARIABLES, *study.DATA_KEYS]) and all(
        np.array_equal(loaded[k], np.load(file)[k]) for k in loaded)
out["npz"] = npz
print(json.dumps(out))
`;

interface Case {
  n: number;
  S: number;
  P: number;
  draws: number[];
  truths: number[];
}

/** Draws around the truths with spread `s`; parameter `constant` has equal truths in every data set. */
function makeCase(seed: number, n: number, S: number, constant: number | null): Case {
  const rng = Rng.stream(seed, 0);
  const P = NAMES.length;
  const truths: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < P; j++) truths.push(j === constant ? 0.7 : 1 + j + rng.normal());
  const draws: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < S; s++)
      for (let j = 0; j < P; j++) draws.push(truths[i * P + j]! + 0.3 * (j + 1) * rng.normal() + 0.1 * rng.normal());
  }
  return { n, S, P, draws, truths };
}

interface Probe {
  cases: {
    ours: Record<string, (number | null)[]>;
    bayesflow: Record<string, (number | null)[]>;
    L: number | null;
    undefined: string[];
  }[];
  optimizer: Record<string, number | string>;
  lr: number[];
  versions: Record<string, { ok: boolean; message?: string; warning?: string }>;
  npz: Record<
    string,
    Record<string, { dtype: string; shape: number[]; values: number[] | string }> & { load_sets_matches: boolean }
  >;
}

let probe: Probe;
const cases = [makeCase(11, 30, 40, null), makeCase(12, 25, 17, 4)];

beforeAll(async () => {
  if (!existsSync(VENV_PYTHON)) throw new Error(`${VENV_PYTHON} is missing: run ${SETUP_COMMAND}`);
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-study-py-parity-'));
  data = await clusterData(config, simulateBatch);
  for (const f of clusterExport(config, null, undefined, data).files) writeFileSync(path.join(dir, f.path), f.content);
  writeFileSync(path.join(dir, 'probe.py'), PROBE);
  writeFileSync(path.join(dir, 'cases.json'), JSON.stringify(cases));
  const r = spawnSync(VENV_PYTHON, ['probe.py', dir, 'cases.json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, KERAS_BACKEND: 'jax' },
  });
  if (r.status !== 0) throw new Error(`probe.py failed:\n${r.stderr}`);
  probe = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Probe;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nanToNull = (xs: readonly number[]) => xs.map((x) => (Number.isNaN(x) ? null : x));

function expectClose(got: readonly (number | null)[], want: readonly (number | null)[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, k) => {
    if (want[k] === null) expect(g, `entry ${k}`).toBeNull();
    else expect(Math.abs(g! - want[k]!), `entry ${k}: ${g} vs ${want[k]}`).toBeLessThan(tol);
  });
}

describe("study.py's metrics and L", () => {
  it('agree with src/metrics on the same draws to 1e-6, and with BayesFlow 2.0.5 itself', () => {
    const c = cases[0]!;
    const table = computeDiagnostics(Float64Array.from(c.draws), Float64Array.from(c.truths), c.n, c.S, c.P, NAMES);
    const got = probe.cases[0]!;
    table.rows.forEach((row, r) => {
      expectClose(got.ours[row]!, nanToNull(table.values[r]!), 1e-6);
      expectClose(got.bayesflow[row]!, got.ours[row]!, 1e-6);
    });
    expect(Math.abs(got.L! - weightedMetricSum(table, config.weights))).toBeLessThan(1e-6);
    expect(got.undefined).toEqual([]);
  });

  it('a parameter whose metric is undefined makes L NaN, naming the cells (the app refuses the same table)', () => {
    const c = cases[1]!;
    const table = computeDiagnostics(Float64Array.from(c.draws), Float64Array.from(c.truths), c.n, c.S, c.P, NAMES);
    const got = probe.cases[1]!;
    table.rows.forEach((row, r) => expectClose(got.ours[row]!, nanToNull(table.values[r]!), 1e-6));
    expect(got.ours['NRMSE']![4]).toBeNull();
    expect(got.L).toBeNull();
    expect(got.undefined).toEqual(['NRMSE[b] = nan', 'Posterior Contraction[b] = nan']);
    expect(() => weightedMetricSum(table, config.weights)).toThrow(MetricsError);
  });
});

describe("study.py's optimizer", () => {
  it("is Adam with clipnorm 1.5 and the browser's warm-up + cosine schedule, step by step", () => {
    expect(probe.optimizer).toMatchObject({ class: 'Adam', clipnorm: 1.5, epsilon: 1e-7, beta_1: 0.9, beta_2: 0.999 });
    const shape = scheduleShape(3, 7);
    expect(probe.lr.length).toBe(shape.totalSteps + 1);
    probe.lr.forEach((lr, s) =>
      expect(Math.abs(lr - learningRateAt(s, 0.003, shape)), `step ${s}`).toBeLessThan(1e-6 * 0.003),
    );
  });
});

describe("study.py's BayesFlow version check", () => {
  it('accepts 2.0.5, refuses another version with the reason, runs it only with --allow-bayesflow-version', () => {
    expect(probe.versions['2.0.5']).toEqual({ ok: true, warning: '' });
    expect(probe.versions['2.0.6']!.ok).toBe(false);
    expect(probe.versions['2.0.6']!.message).toMatch(
      /tested with bayesflow 2\.0\.5, found 2\.0\.6.*pip install -r requirements\.txt[\s\S]*--allow-bayesflow-version/,
    );
    expect(probe.versions['2.1.0']!.ok).toBe(true);
    expect(probe.versions['2.1.0']!.warning).toContain('found 2.1.0');
  });
});

describe('the exported data sets', () => {
  it("hold exactly the browser simulator's training and validation sets, their seeds and settings, and study.py loads them", () => {
    const seeds = dataSeeds(config);
    const dmc = toDmcConfig(config);
    for (const [file, seed, n] of [
      ['training.npz', seeds.training, 24],
      ['validation.npz', seeds.validation, 10],
    ] as const) {
      const browser = simulateBatch(dmc, seed, n);
      const got = probe.npz[file]!;
      const N = browser.numObs;
      expect(got['rt']).toEqual({ dtype: 'float32', shape: [n, N, 1], values: Array.from(browser.rt) });
      expect(got['accuracy']!.values).toEqual(Array.from(browser.accuracy));
      expect(got['conditions']!.values).toEqual(Array.from(browser.conditions));
      expect(got['num_obs']).toEqual({ dtype: 'int64', shape: [n, 1], values: new Array(n).fill(N) });
      browser.paramNames.forEach((name, j) => {
        const column = Array.from({ length: n }, (_, i) => browser.params[i * browser.paramNames.length + j]!);
        expect(got[name]).toEqual({ dtype: 'float64', shape: [n, 1], values: column });
      });
      expect(got['seed']).toEqual({ dtype: 'int64', shape: [], values: [seed] });
      expect(JSON.parse(got['simulator']!.values as string)).toEqual(JSON.parse(JSON.stringify(dmc)));
      expect(got.load_sets_matches).toBe(true);
    }
    expect(data.training?.n).toBe(24);
  });
});
