/**
 * Parameter importances by fANOVA, as Optuna's default evaluator
 * (optuna/importance/_fanova/_evaluator.py `FanovaImportanceEvaluator`, n_trees 64, max_depth 64;
 * study-engine.md §6):
 *
 * 1. Search space: without `params`, the intersection search space of the COMPLETE trials
 *    (parameters every completed trial has, with one and the same distribution), sorted by name;
 *    with `params`, their distributions in the completed trials that have them all.
 * 2. Trials: COMPLETE, with all the parameters and a finite value.
 * 3. Features untransformed (no log, no step rounding). A categorical is the index of its choice,
 *    spanning [−0.5, k − 0.5] so that every choice owns the same volume. (Optuna one-hot encodes
 *    categoricals and lets fANOVA treat the columns as one group; with an index one split separates
 *    lower from higher indices and isolating an arbitrary choice takes two splits instead of one,
 *    which fully grown trees afford, and each parameter stays a single feature.) The range is
 *    widened to include observed values outside it (an enqueued trial may carry one).
 * 4. Per tree the share V_j / V of its variance explained by parameter j alone (decomposition.ts),
 *    averaged over the trees with V > 0, then normalised to sum 1. Parameters whose distribution has
 *    a single value get 0 (they cannot matter) and are listed last.
 */
import { type Distribution, type FrozenTrial, TrialState, trialValue } from '../../engine/index.ts';
import type { ParamImportance } from '../importance.ts';
import { decomposeTree } from './decomposition.ts';
import { fitForest } from './forest.ts';

export interface FanovaOptions {
  readonly nTrees?: number;
  readonly maxDepth?: number;
  /** Seed of the forest (bootstrap samples and feature order); default 0. */
  readonly seed?: number;
}

export type FanovaErrorCode =
  | 'no-completed-trials'
  | 'single-trial'
  | 'unknown-param'
  | 'dynamic-search-space'
  | 'zero-variance';

export class FanovaError extends Error {
  constructor(
    readonly code: FanovaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FanovaError';
  }
}

/** Same distribution (engine's `distributionsEqual` semantics: class, bounds, log, step, choices). */
function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.type === 'categorical') {
    return b.type === 'categorical' && a.choices.length === b.choices.length && a.choices.every((c, k) => Object.is(c, b.choices[k]));
  }
  if (b.type === 'categorical') return false;
  return a.type === b.type && a.low === b.low && a.high === b.high && a.log === b.log && a.step === b.step;
}

/** Optuna `single()`: only one value can be suggested. */
function isSingle(d: Distribution): boolean {
  if (d.type === 'categorical') return d.choices.length === 1;
  if (d.low === d.high) return true;
  return d.step !== null && d.high - d.low < d.step;
}

/** Search space to assess, by name, sorted by name (Optuna `_get_distributions`). */
export function importanceSearchSpace(
  completedTrials: readonly FrozenTrial[],
  params?: readonly string[],
): [string, Distribution][] {
  if (params === undefined) {
    const first = completedTrials[0]!;
    return Object.entries(first.distributions)
      .filter(([name, d]) =>
        completedTrials.every((t) => {
          const other = t.distributions[name];
          return other !== undefined && sameDistribution(other, d);
        }),
      )
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  const having = completedTrials.filter((t) => params.every((p) => p in t.distributions));
  if (params.length > 0 && having.length === 0) {
    throw new FanovaError(
      'unknown-param',
      `Study must contain completed trials with all specified parameters. Specified parameters: ${JSON.stringify(params)}.`,
    );
  }
  const space = new Map<string, Distribution>();
  for (const t of having) {
    for (const p of params) {
      const d = t.distributions[p]!;
      const seen = space.get(p);
      if (seen === undefined) space.set(p, d);
      else if (!sameDistribution(seen, d)) {
        throw new FanovaError(
          'dynamic-search-space',
          `Parameters importances cannot be assessed with dynamic search spaces if parameters are specified. Specified parameters: ${JSON.stringify(params)}.`,
        );
      }
    }
  }
  return [...space.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function encode(d: Distribution, v: unknown, name: string): number {
  if (d.type === 'categorical') {
    const k = d.choices.findIndex((c) => Object.is(c, v));
    if (k < 0) throw new Error(`fANOVA: value ${JSON.stringify(v)} of ${name} is not one of its choices`);
    return k;
  }
  if (typeof v !== 'number') throw new Error(`fANOVA: value ${JSON.stringify(v)} of ${name} is not a number`);
  return v;
}

export function fanovaImportances(
  trials: readonly FrozenTrial[],
  params?: readonly string[],
  opts: FanovaOptions = {},
): ParamImportance[] {
  const done = trials.filter((t) => t.state === TrialState.COMPLETE && trialValue(t) !== null);
  if (done.length === 0) {
    throw new FanovaError('no-completed-trials', 'Cannot evaluate parameter importances without completed trials.');
  }
  if (done.length === 1) {
    throw new FanovaError('single-trial', 'Cannot evaluate parameter importances with only a single trial.');
  }
  const space = importanceSearchSpace(done, params);
  const assessed = space.filter(([, d]) => !isSingle(d));
  const single = space.filter(([, d]) => isSingle(d));
  if (assessed.length === 0) return [];

  const rows = done.filter(
    (t) => assessed.every(([p]) => p in t.params) && Number.isFinite(trialValue(t)),
  );
  const n = rows.length;
  const d = assessed.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  rows.forEach((t, i) => {
    y[i] = trialValue(t)!;
    assessed.forEach(([p, dist], j) => (x[i * d + j] = encode(dist, t.params[p], p)));
  });
  const lower = new Float64Array(d);
  const upper = new Float64Array(d);
  assessed.forEach(([, dist], j) => {
    let lo = dist.type === 'categorical' ? -0.5 : dist.low;
    let hi = dist.type === 'categorical' ? dist.choices.length - 0.5 : dist.high;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, x[i * d + j]!);
      hi = Math.max(hi, x[i * d + j]!);
    }
    lower[j] = lo;
    upper[j] = hi;
  });

  const sums = new Float64Array(d);
  let used = 0;
  if (n > 0) {
    const trees = fitForest({ x, y, n, d }, { nTrees: opts.nTrees ?? 64, maxDepth: opts.maxDepth ?? 64, seed: opts.seed ?? 0 });
    for (const tree of trees) {
      const { total, marginal } = decomposeTree(tree, lower, upper);
      if (!(total > 0)) continue;
      used++;
      for (let j = 0; j < d; j++) sums[j] = sums[j]! + marginal[j]! / total;
    }
  }
  if (used === 0) {
    throw new FanovaError(
      'zero-variance',
      `Encountered zero total variance in all trees: the ${n} completed trial${n === 1 ? '' : 's'} with finite values cannot separate the parameters' effects.`,
    );
  }
  const fractions = Array.from(sums, (s) => s / used);
  const total = fractions.reduce((a, b) => a + b, 0);
  // All main effects 0 with V > 0 means pure interaction: nothing to share out, report zeros.
  const importances = assessed.map(([name], j) => ({ name, importance: total > 0 ? fractions[j]! / total : 0 }));
  importances.sort((a, b) => b.importance - a.importance);
  return [...importances, ...single.map(([name]) => ({ name, importance: 0 }))];
}
