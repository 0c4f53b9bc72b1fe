/**
 * Parity with the real Optuna 5.0.0 (the project's .venv; test/interop/optuna5_parity.py is the Python
 * side), on a fixed history written to a journal by the engine and read by both:
 * - TPE: the Parzen estimators l and g that `TPESampler()` (5.0 defaults: multivariate, constant liar,
 *   per-dimension bandwidth) fits for the next trial — mixture weights, kernel mus and sigmas,
 *   categorical rows — jointly over the intersection space and per parameter, with PRUNED, FAIL,
 *   RUNNING (the liar's), conditional and infeasible (5.0 constraints) trials in the history;
 * - PED-ANOVA: `get_param_importances(study)` (5.0's default evaluator) on the same history, on it
 *   maximized, and on the two fANOVA parity studies, within 0.02 (the evaluator is deterministic:
 *   the measured deltas are rounding, about 1e-15).
 * - TPE with the ≤ 4.x multivariate bandwidth (`bandwidth: 'scott'`, what a version-1 study
 *   configuration keeps) against estimators recorded with the real Optuna 4.9.0
 *   (test/fixtures/tpe/optuna49-multivariate.json, made by test/interop/make_optuna49_tpe_fixture.py).
 * Never skips: a missing .venv is an error that says how to make it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as importancesCli } from '../../../../../src/cli/commands/importances.ts';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../../../scripts/python-env.mjs';
import {
  categoricalDistribution,
  floatDistribution,
  intDistribution,
} from '../../../../../src/engine/distributions.ts';
import {
  createStudy,
  JournalStorage,
  MemoryJournalBackend,
  pedAnovaImportances,
  TPESampler,
  TrialState,
  type Distribution,
  type FrozenTrial,
  type JsonValue,
  type TrialTemplate,
} from '../../../../../src/engine/index.ts';
import type { ParzenEstimator } from '../../../../../src/engine/samplers/tpe/parzen-estimator.ts';
import { JournalFileBackend } from '../../../../../src/persistence/node/index.ts';
import { categoricalAndFloat, logFloatAndCategorical, type ParityStudy } from '../../importance/parity-studies.ts';

const SCRIPT = path.resolve('test/interop/optuna5_parity.py');
let dir: string;

beforeAll(() => {
  if (!existsSync(VENV_PYTHON))
    throw new Error(`${VENV_PYTHON} is missing: run ${SETUP_COMMAND} (npm test makes it on its own).`);
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-optuna5-parity-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function python<T>(...args: string[]): T {
  const r = spawnSync(VENV_PYTHON, [SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000, cwd: path.dirname(SCRIPT) });
  if (r.status !== 0) throw new Error(`optuna5_parity.py ${args[0]} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** mulberry32 (as parity-studies.ts): a fixed stream, nothing from the engine's samplers. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPACE: Record<string, Distribution> = {
  c: categoricalDistribution(['a', 'b', 'c']),
  k: intDistribution(1, 64, { log: true }),
  lr: floatDistribution(1e-4, 1e-1, { log: true }),
  n: intDistribution(1, 8),
  s: floatDistribution(0, 1, { step: 0.1 }),
  x: floatDistribution(-5, 5),
};
const OFFSET: Record<string, number> = { a: 0, b: 0.7, c: 1.5 };

/**
 * 46 trials: COMPLETE, PRUNED (1 or 2 reports) every 11th, FAIL every 13th, the last two RUNNING
 * with all parameters (the constant liar's), trial 30 without `s` (conditional), violated 5.0
 * constraints ("constraints:mem" > 0) every 9th from 4, a satisfied one every 9th from 8, and trial
 * 20 with the ≤ 4.x list form.
 */
function history(): TrialTemplate[] {
  const out: TrialTemplate[] = [];
  for (let k = 0; k < 46; k++) {
    const u = mulberry32(9000 + k);
    const x = -5 + 10 * u();
    const lr = Math.exp(Math.log(1e-4) + u() * (Math.log(1e-1) - Math.log(1e-4)));
    const n = 1 + Math.floor(u() * 8);
    const kk = Math.round(Math.exp(u() * Math.log(64)));
    const ci = Math.min(2, Math.floor(u() * 3));
    const s = Math.round(u() * 10) / 10;
    const value =
      (x - 1) ** 2 +
      (Math.log10(lr) + 2.5) ** 2 +
      0.3 * Math.abs(n - 5) +
      0.1 * Math.abs(Math.log2(kk) - 3) +
      (OFFSET['abc'[ci]!] as number) +
      s;
    const paramsInternal: Record<string, number> = { c: ci, k: kk, lr, n, s, x };
    const distributions: Record<string, Distribution> = { ...SPACE };
    if (k === 30) {
      delete paramsInternal.s;
      delete distributions.s;
    }
    const systemAttrs: Record<string, JsonValue> = {};
    if (k % 9 === 4) systemAttrs['constraints:mem'] = 1.5 + k / 100;
    if (k % 9 === 8) systemAttrs['constraints:mem'] = -1;
    if (k === 20) systemAttrs.constraints = [0.5];
    let t: TrialTemplate = { state: TrialState.COMPLETE, values: [value], paramsInternal, distributions, systemAttrs };
    if (k >= 44) t = { ...t, state: TrialState.RUNNING, values: null };
    else if (k % 11 === 3)
      t = {
        ...t,
        state: TrialState.PRUNED,
        values: null,
        intermediateValues: new Map(
          k % 2 === 0
            ? [[0, value + 1]]
            : [
                [0, value + 1],
                [1, value + 0.5],
              ],
        ),
      };
    else if (k % 13 === 5) t = { ...t, state: TrialState.FAIL, values: null };
    out.push(t);
  }
  return out;
}

async function writeJournal(
  name: string,
  trials: readonly TrialTemplate[],
  direction: 'minimize' | 'maximize' = 'minimize',
): Promise<{
  file: string;
  all: FrozenTrial[];
  sampler: TPESampler;
  fit: (space: Record<string, Distribution>) => Promise<{ below: ParzenEstimator; above: ParzenEstimator }>;
  joint: Record<string, Distribution>;
}> {
  const file = path.join(dir, `${name}.log`);
  const storage = new JournalStorage(await JournalFileBackend.open(file));
  const sampler = new TPESampler();
  const study = await createStudy({ studyName: name, storage, sampler, direction });
  for (const t of trials) await study.addTrial(t);
  const all = await study.getTrials();
  // The trial being sampled: a fresh number, as Python's side (which has no such trial in the study).
  const next: FrozenTrial = {
    ...(all[0] as FrozenTrial),
    number: all.length,
    trialId: -1,
    state: TrialState.RUNNING,
    params: {},
    distributions: {},
  };
  const joint = await sampler.inferRelativeSearchSpace(study);
  return { file, all, sampler, joint, fit: (space) => sampler.fit(study, next, space) };
}

interface PyMixture {
  weights: number[];
  params: Record<string, { mu: number[]; sigma: number[] } | { rows: number[][] }>;
}
interface PyParzen {
  optuna: string;
  defaults: { multivariate: boolean; constant_liar: boolean };
  n_below: number;
  joint_space: string[];
  joint: { below: PyMixture; above: PyMixture };
  independent: Record<string, { below: PyMixture; above: PyMixture }>;
}

let worst = 0;
function close(ours: ArrayLike<number>, theirs: readonly number[], what: string): void {
  expect(ours.length, what).toBe(theirs.length);
  for (let i = 0; i < theirs.length; i++) {
    const d = Math.abs((ours[i] as number) - (theirs[i] as number));
    worst = Math.max(worst, d);
    expect(d, `${what}[${i}]: ours ${ours[i]} vs Optuna ${theirs[i]}`).toBeLessThanOrEqual(
      1e-9 * Math.max(1, Math.abs(theirs[i] as number)),
    );
  }
}

/**
 * Kernels of observations with equal values (the same k of an integer, say) get the sigmas of their
 * run of the sorted order, and which of them gets which depends on the sort: Optuna 5 uses numpy's
 * default argsort, which is not stable (and on AVX-512 machines a vectorised one), the engine a stable
 * order. So sigmas are compared per kernel where a value is unique, and as the same set within a run
 * of equal values (`ties` counts the kernels compared that way).
 */
let ties = 0;
function compareNumeric(
  mus: Float64Array,
  sigmas: Float64Array,
  py: { mu: number[]; sigma: number[] },
  what: string,
): void {
  close(mus, py.mu, `${what} mus`);
  const groups = new Map<number, number[]>();
  py.mu.forEach((m, i) => {
    const key = Number(m.toPrecision(12));
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const idx of groups.values()) {
    if (idx.length > 1) ties += idx.length;
    const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
    close(
      sorted(idx.map((i) => sigmas[i] as number)),
      sorted(idx.map((i) => py.sigma[i] as number)),
      `${what} sigmas of kernels ${idx.join(',')}`,
    );
  }
}

function compareMixture(pe: ParzenEstimator, py: PyMixture, names: string[], what: string): void {
  close(pe.weights, py.weights, `${what} weights`);
  names.forEach((name, i) => {
    const p = py.params[name]!;
    if ('rows' in p) close(pe.categoricalRows(i), p.rows.flat(), `${what} ${name} rows`);
    else {
      const k = pe.numericKernels(i);
      compareNumeric(k.mus, k.sigmas, p, `${what} ${name}`);
    }
  });
}

describe('TPE proposal distributions: the engine against Optuna 5.0.0 on a fixed history', () => {
  it("l and g equal Optuna 5.0.0's _ParzenEstimator, jointly and per parameter", async () => {
    const { file, fit, joint } = await writeJournal('tpe-history', history());
    const py = python<PyParzen>('parzen', file, 'tpe-history');
    expect(py.optuna).toBe('5.0.0');
    expect(py.defaults).toEqual({ multivariate: true, constant_liar: true });
    expect(Object.keys(joint)).toEqual(py.joint_space);
    expect(py.joint_space).toEqual(['c', 'k', 'lr', 'n', 'x']); // `s` is missing from trial 30
    const j = await fit(joint);
    compareMixture(j.below, py.joint.below, py.joint_space, 'joint l');
    compareMixture(j.above, py.joint.above, py.joint_space, 'joint g');
    for (const [name, d] of Object.entries(SPACE)) {
      const one = await fit({ [name]: d });
      compareMixture(one.below, py.independent[name]!.below, [name], `${name} l`);
      compareMixture(one.above, py.independent[name]!.above, [name], `${name} g`);
    }
    console.log(
      `TPE parity with Optuna ${py.optuna}: n_below ${py.n_below}, largest |ours − Optuna| over weights, mus, sigmas and rows: ${worst.toExponential(2)} (${ties} kernels of tied values compared as sets)`,
    );
  });
});

describe('TPE with Optuna ≤ 4.x settings (multivariate, bandwidth "scott"): the recorded Optuna 4.9.0 estimators', () => {
  it('l and g equal TPESampler(multivariate=True) of Optuna 4.9.0 on the same history', async () => {
    const recorded = JSON.parse(readFileSync(path.resolve('test/fixtures/tpe/optuna49-multivariate.json'), 'utf8')) as {
      optuna: string;
      space: string[];
      below: PyMixture;
      above: PyMixture;
    };
    expect(recorded.optuna).toBe('4.9.0');
    const storage = new JournalStorage(new MemoryJournalBackend());
    const sampler = new TPESampler({ multivariate: true, constantLiar: false, bandwidth: 'scott' });
    const study = await createStudy({ studyName: 'h', storage, sampler });
    const D = {
      x: floatDistribution(-5, 5),
      lr: floatDistribution(1e-4, 1e-1, { log: true }),
      n: intDistribution(1, 100),
      c: categoricalDistribution(['a', 'b', 'c']),
    };
    // The history the fixture was recorded on: a 31-bit LCG, 40 trials, every 7th from 3 PRUNED.
    let state = 12345;
    const u = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 40; k++) {
      const x = -5 + 10 * u();
      const lr = Math.exp(Math.log(1e-4) + u() * Math.log(1000));
      const n = 1 + Math.floor(u() * 100);
      const c = Math.floor(u() * 3);
      const pruned = k % 7 === 3;
      await study.addTrial({
        state: pruned ? TrialState.PRUNED : TrialState.COMPLETE,
        values: pruned ? null : [(x - 1) ** 2 + Math.log10(lr) ** 2 + n / 100 + c],
        paramsInternal: { x, lr, n, c },
        distributions: D,
      });
    }
    const all = await study.getTrials();
    const next: FrozenTrial = {
      ...(all[0] as FrozenTrial),
      number: all.length,
      trialId: -1,
      state: TrialState.RUNNING,
      params: {},
      distributions: {},
    };
    const joint = await sampler.inferRelativeSearchSpace(study);
    expect(Object.keys(joint)).toEqual(recorded.space);
    const { below, above } = await sampler.fit(study, next, joint);
    compareMixture(below, recorded.below, recorded.space, '4.9 l');
    compareMixture(above, recorded.above, recorded.space, '4.9 g');
    // With 5.0's bandwidth the same history gives other widths: the setting is what keeps old studies.
    const five = await new TPESampler({ multivariate: true, constantLiar: false }).fit(study, next, joint);
    expect(Array.from(five.above.numericKernels(3).sigmas)).not.toEqual(
      (recorded.above.params.x as { sigma: number[] }).sigma,
    );
  });
});

interface PyPed {
  optuna: string;
  default_is_ped_anova: boolean;
  importances: Record<string, number>;
}

const asTemplates = (s: ParityStudy): TrialTemplate[] => s.trials;

describe.each([
  { name: 'tpe-history', trials: history, direction: 'minimize' as const },
  { name: 'tpe-history-max', trials: history, direction: 'maximize' as const },
  { name: 'cat6-x', trials: () => asTemplates(categoricalAndFloat()), direction: 'minimize' as const },
  { name: 'lr-opt4', trials: () => asTemplates(logFloatAndCategorical()), direction: 'minimize' as const },
])('PED-ANOVA against Optuna 5.0.0: $name ($direction)', ({ name, trials, direction }) => {
  it("the engine's importances are within 0.02 of get_param_importances(study), 5.0's default evaluator", async () => {
    const { file, all } = await writeJournal(`ped-${name}`, trials(), direction);
    const py = python<PyPed>('ped-anova', file, `ped-${name}`);
    expect(py.optuna).toBe('5.0.0');
    expect(py.default_is_ped_anova).toBe(true);
    const ours = Object.fromEntries(pedAnovaImportances(all, { direction }).map((p) => [p.name, p.importance]));
    expect(Object.keys(ours).sort()).toEqual(Object.keys(py.importances).sort());
    let delta = 0;
    for (const [k, v] of Object.entries(py.importances)) delta = Math.max(delta, Math.abs((ours[k] as number) - v));
    console.log(
      `PED-ANOVA ${name} (${direction}): Optuna ${JSON.stringify(py.importances)}; largest delta ${delta.toExponential(2)}`,
    );
    expect(delta).toBeLessThanOrEqual(0.02);
    expect(delta).toBeLessThanOrEqual(1e-9); // deterministic on both sides: only rounding may differ
    // `cli importances` defaults to PED-ANOVA and takes the direction from the journal.
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      expect(await importancesCli(['--journal', file, '--json'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const printed = JSON.parse(out.join('').trim().split('\n').pop()!) as Record<string, number>;
    for (const [k, v] of Object.entries(py.importances))
      expect(Math.abs((printed[k] as number) - v)).toBeLessThanOrEqual(1e-9);
  });
});
