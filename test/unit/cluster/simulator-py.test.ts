/**
 * The generated dmc_simulator.py against src/sim: per condition, mean correct RT, error rate and the
 * correct-RT quantiles agree within 4 standard errors of their difference, on three parameter sets
 * (dmc-model.md §11.3's tau = 30 setting, a flanker-like tau = 150 one, and the notebook prior's means).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterExport } from '../../../src/cluster/index.ts';
import { simulateTrials, SUMMARY_QUANTILES, type DmcParams } from '../../../src/sim/index.ts';
import { smokeStudyConfig } from '../../../src/study-config/index.ts';

const PYTHON = '/usr/bin/python3';
/** Trials per condition on each side: standard errors ≈ 0.5 ms on mean RTs, ≈ 0.1 points on error rates. */
const PER_CONDITION = 60_000;
const SETS: Record<string, DmcParams> = {
  'tau 30 (§11.3)': { A: 20, tau: 30, mu_c: 0.5, mu_r: 300, b: 75, sd_r: 30 },
  'tau 150': { A: 20, tau: 150, mu_c: 0.5, mu_r: 300, b: 75, sd_r: 30 },
  'notebook prior means': { A: 70.8, tau: 114.71, mu_c: 0.71, mu_r: 332.34, b: 98.36, sd_r: 43.36 },
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-numpy-sim-'));
  const sim = clusterExport(smokeStudyConfig(), null).files.find((f) => f.path === 'dmc_simulator.py')!;
  writeFileSync(path.join(dir, 'dmc_simulator.py'), sim.content);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Sample {
  rt: number[];
  accuracy: number[];
  conditions: number[];
}

function pythonSample(params: DmcParams, seed: number): Sample {
  const script = `
import json, sys
import numpy as np
from dmc_simulator import simulate_trials
out = simulate_trials(np.random.default_rng(${seed}), json.loads(sys.argv[1]), ${2 * PER_CONDITION}, tmax=1500, contamination=None)
json.dump({k: v.tolist() for k, v in out.items()}, sys.stdout)
`;
  const r = spawnSync(PYTHON, ['-c', script, JSON.stringify(params)], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Sample;
}

interface Stats {
  mean: number;
  meanSe: number;
  errorRate: number;
  errorSe: number;
  quantiles: { value: number; se: number }[];
}

/** Type-7 quantile; its standard error from the asymptotic formula with the density estimated around it. */
function stats(rt: ArrayLike<number>, accuracy: ArrayLike<number>, conditions: ArrayLike<number>, code: number): Stats {
  const correct: number[] = [];
  let n = 0;
  let errors = 0;
  for (let i = 0; i < rt.length; i++) {
    if (conditions[i] !== code) continue;
    n++;
    if (accuracy[i] === 1) correct.push(rt[i]! * 1000);
    else if (accuracy[i] === 0) errors++;
  }
  correct.sort((a, b) => a - b);
  const m = correct.length;
  const mean = correct.reduce((s, x) => s + x, 0) / m;
  const sd = Math.sqrt(correct.reduce((s, x) => s + (x - mean) ** 2, 0) / (m - 1));
  const q = (p: number): number => {
    const h = (m - 1) * p;
    const lo = Math.floor(h);
    return correct[lo]! + (h - lo) * (correct[Math.min(lo + 1, m - 1)]! - correct[lo]!);
  };
  const quantiles = SUMMARY_QUANTILES.map(Number).map((p) => {
    const d = 0.02;
    const density = (2 * d) / (q(p + d) - q(p - d));
    return { value: q(p), se: Math.sqrt((p * (1 - p)) / m) / density };
  });
  const p = errors / n;
  return { mean, meanSe: sd / Math.sqrt(m), errorRate: p, errorSe: Math.sqrt((p * (1 - p)) / n), quantiles };
}

describe('generated NumPy simulator vs src/sim', { timeout: 60_000 }, () => {
  it.each(Object.entries(SETS))('%s: summaries within 4 SE', (_name, params) => {
    const ts = simulateTrials(params, 2 * PER_CONDITION, 11, { tmax: 1500 });
    const py = pythonSample(params, 12);
    for (const code of [0, 1]) {
      const a = stats(ts.rt, ts.accuracy, ts.conditions, code);
      const b = stats(py.rt, py.accuracy, py.conditions, code);
      const within = (x: number, y: number, se1: number, se2: number, what: string) =>
        expect(Math.abs(x - y), `${what}, condition ${code}: ${x} vs ${y}`).toBeLessThan(4 * Math.hypot(se1, se2));
      within(a.mean, b.mean, a.meanSe, b.meanSe, 'mean correct RT (ms)');
      within(a.errorRate, b.errorRate, a.errorSe, b.errorSe, 'error rate');
      a.quantiles.forEach((qa, i) =>
        within(qa.value, b.quantiles[i]!.value, qa.se, b.quantiles[i]!.se, `q${SUMMARY_QUANTILES[i]}`),
      );
    }
  });
});
