/**
 * Multi-objective TPE against the real Optuna 5.0.0 (one Python run for the file), on fixed histories
 * written to journals by the engine and read by both: the below/above split (non-domination ranks,
 * HSSP on the rank that does not fit, then PRUNED and infeasible trials), and the Parzen estimators l
 * and g `TPESampler()` fits for the next trial (5.0 samples independently by default with several
 * objectives; the joint estimators are those of `multivariate: true`) — mixture weights (5.0: the below trials weigh the same),
 * kernel mus and sigmas, categorical rows — jointly and per parameter. Histories hold PRUNED, FAIL,
 * RUNNING (the constant liar's), conditional and infeasible trials, and repeated objective values.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  categoricalDistribution,
  createStudy,
  floatDistribution,
  intDistribution,
  intersectionSearchSpace,
  isFeasible,
  isSingle,
  JournalStorage,
  lossMatrix,
  nonDominatedSort,
  TPESampler,
  TrialState,
  type DirectionName,
  type Distribution,
  type FrozenTrial,
  type JsonValue,
  type TrialTemplate,
} from '../../../../../src/engine/index.ts';
import { splitTrials } from '../../../../../src/engine/samplers/tpe/split.ts';
import { defaultGammaMultiObjective } from '../../../../../src/engine/samplers/tpe/split-multi-objective.ts';
import { JournalFileBackend } from '../../../../../src/persistence/node/index.ts';
import { askOptuna5, mulberry32 } from '../../multi-objective/optuna5.ts';
import { ParzenComparison, type PyMixture } from './parzen-compare.ts';

const SPACE: Record<string, Distribution> = {
  c: categoricalDistribution(['a', 'b', 'c']),
  lr: floatDistribution(1e-4, 1e-1, { log: true }),
  n: intDistribution(1, 8),
  x: floatDistribution(-2, 2),
};

/**
 * `count` trials: COMPLETE, PRUNED every 11th from 3, FAIL every 13th from 5, the last two RUNNING,
 * trial 17 without `n` (conditional), "constraints:mem" violated every 9th from 4 and satisfied every
 * 9th from 8, and trials 21 and 22 repeating trial 20's values (HSSP must skip repeats).
 */
function history(seed: number, count: number, nObjectives: number): TrialTemplate[] {
  const out: TrialTemplate[] = [];
  let repeat: number[] = [];
  for (let k = 0; k < count; k++) {
    const u = mulberry32(seed + k);
    const x = -2 + 4 * u();
    const lr = Math.exp(Math.log(1e-4) + u() * Math.log(1000));
    const n = 1 + Math.floor(u() * 8);
    const ci = Math.min(2, Math.floor(u() * 3));
    const noise = (Math.log10(lr) + 2.5) ** 2 / 4 + 0.1 * Math.abs(n - 4) + [0, 0.3, 0.6][ci]!;
    let values = [(x - 1) ** 2 + noise, (x + 1) ** 2 + noise, 2 - x + noise].slice(0, nObjectives);
    if (k === 20) repeat = values;
    if (k === 21 || k === 22) values = repeat;
    const paramsInternal: Record<string, number> = { c: ci, lr, n, x };
    const distributions: Record<string, Distribution> = { ...SPACE };
    if (k === 17) {
      delete paramsInternal.n;
      delete distributions.n;
    }
    const systemAttrs: Record<string, JsonValue> = {};
    if (k % 9 === 4) systemAttrs['constraints:mem'] = 0.5 + k / 100;
    if (k % 9 === 8) systemAttrs['constraints:mem'] = -1;
    let t: TrialTemplate = { state: TrialState.COMPLETE, values, paramsInternal, distributions, systemAttrs };
    if (k >= count - 2) t = { ...t, state: TrialState.RUNNING, values: null };
    else if (k % 11 === 3) t = { ...t, state: TrialState.PRUNED, values: null };
    else if (k % 13 === 5) t = { ...t, state: TrialState.FAIL, values: null };
    out.push(t);
  }
  return out;
}

const dir = mkdtempSync(path.join(tmpdir(), 'dmc-mo-tpe-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeJournal(name: string, trials: readonly TrialTemplate[], directions: DirectionName[]) {
  const file = path.join(dir, `${name}.log`);
  const storage = new JournalStorage(await JournalFileBackend.open(file));
  const sampler = new TPESampler();
  const study = await createStudy({ studyName: name, storage, sampler, directions });
  for (const t of trials) await study.addTrial(t);
  const all = await study.getTrials();
  // The trial being sampled: a fresh number, as on Python's side (where no such trial exists).
  const next: FrozenTrial = {
    ...all[0]!,
    number: all.length,
    trialId: -1,
    state: TrialState.RUNNING,
    params: {},
    distributions: {},
  };
  const seen = await study.getTrials([TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING]);
  const finished = seen.filter((t) => t.state !== TrialState.RUNNING).length;
  const below = splitTrials(seen, defaultGammaMultiObjective(finished), directions, true);
  const feasibleComplete = seen.filter((t) => t.state === TrialState.COMPLETE && isFeasible(t));
  return {
    file,
    completeLoss: lossMatrix(feasibleComplete, directions),
    belowNumbers: seen.filter((_, i) => below[i] === 1).map((t) => t.number),
    relative: await sampler.inferRelativeSearchSpace(study),
    // The joint space `multivariate: true` would use (5.0's default for several objectives is independent).
    joint: Object.fromEntries(
      Object.entries(intersectionSearchSpace(await study.getTrials(), true)).filter(([, d]) => !isSingle(d)),
    ),
    fit: (space: Record<string, Distribution>) => sampler.fit(study, next, space),
  };
}

interface PyTpe {
  directions: string[];
  multivariate: boolean;
  n_below: number;
  below: number[];
  joint_space: string[];
  joint: { below: PyMixture; above: PyMixture };
  independent: Record<string, { below: PyMixture; above: PyMixture }>;
}

const CASES: { name: string; trials: TrialTemplate[]; directions: DirectionName[] }[] = [
  { name: 'three-min', trials: history(500, 64, 3), directions: ['minimize', 'minimize', 'minimize'] },
  { name: 'min-max', trials: history(900, 48, 2), directions: ['minimize', 'maximize'] },
  { name: 'two-min-small', trials: history(1300, 25, 2), directions: ['minimize', 'minimize'] },
  // 300 trials, about 275 of them COMPLETE or PRUNED: gamma 28 (no cap of 25), and default_weights would not be all ones.
  { name: 'many', trials: history(2000, 300, 2), directions: ['minimize', 'minimize'] },
];

describe('multi-objective TPE: the engine against Optuna 5.0.0 on fixed histories', () => {
  it('splits like _split_trials and fits l and g like _build_parzen_estimator (weights, mus, sigmas, rows)', async () => {
    const journals = await Promise.all(CASES.map((c) => writeJournal(c.name, c.trials, c.directions)));
    const py = askOptuna5<{ tpe: PyTpe[] }>({ tpe: journals.map((j, i) => ({ file: j.file, study: CASES[i]!.name })) });
    expect(py.optuna).toBe('5.0.0');
    const cmp = new ParzenComparison();
    for (const [i, c] of CASES.entries()) {
      const answer = py.tpe[i]!;
      const j = journals[i]!;
      expect(answer.directions).toEqual(c.directions);
      expect(answer.multivariate).toBe(false);
      expect(j.relative).toEqual({}); // independent sampling by default, as 5.0 for several objectives
      expect(j.belowNumbers, `${c.name}: below`).toEqual(answer.below);
      expect(answer.below.length).toBe(answer.n_below);
      expect(Object.keys(j.joint)).toEqual(answer.joint_space);
      const joint = await j.fit(j.joint);
      cmp.compareMixture(joint.below, answer.joint.below, answer.joint_space, `${c.name} joint l`);
      cmp.compareMixture(joint.above, answer.joint.above, answer.joint_space, `${c.name} joint g`);
      for (const [name, d] of Object.entries(SPACE)) {
        const one = await j.fit({ [name]: d });
        cmp.compareMixture(one.below, answer.independent[name]!.below, [name], `${c.name} ${name} l`);
        cmp.compareMixture(one.above, answer.independent[name]!.above, [name], `${c.name} ${name} g`);
      }
      const ranks = nonDominatedSort(j.completeLoss);
      const front = ranks.filter((r) => r === 0).length;
      console.log(
        `MO TPE ${c.name}: below ${JSON.stringify(answer.below)} (n_below ${answer.n_below}; ${front} feasible COMPLETE trials on the front)`,
      );
    }
    console.log(
      `MO TPE parity with Optuna ${py.optuna}: largest |ours − Optuna| ${cmp.worst.toExponential(2)} (${cmp.ties} tied kernels compared as sets)`,
    );
  });
});
