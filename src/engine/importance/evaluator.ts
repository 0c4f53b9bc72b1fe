/**
 * Parameter importances by fANOVA, as Optuna's default evaluator
 * (optuna/importance/_fanova/_evaluator.py `FanovaImportanceEvaluator`, n_trees 64, max_depth 64;
 * docs/design/study-engine.md):
 *
 * 1. Search space: without `params`, the engine's intersection search space of the COMPLETE trials
 *    (parameters every completed trial has, with one and the same distribution by
 *    `distributionsEqual`), sorted by name;
 *    with `params`, their distributions in the completed trials that have them all.
 * 2. Trials: COMPLETE, with all the parameters and a finite value.
 * 3. Features as `_SearchSpaceTransform(transform_log=False, transform_step=False)`: a number is one
 *    column on [low, high] (widened to observed values outside it, which an enqueued trial may
 *    carry); a categorical with k choices is k one-hot columns on [0, 1], and its importance is the
 *    joint main effect of that group of columns (`column_to_encoded_columns`). A choice index
 *    instead would let the forest split "lower vs higher index", an order the choices do not have,
 *    and spread the categorical's effect over interactions: measured on a 6-choice categorical beside
 *    a float, 0.82 against Optuna's 0.97. Optuna 3.1 and 4.9 encode and group alike; 4.9 moved the
 *    final normalisation from the evaluator to `get_param_importances(normalize=True)`, same result.
 * 4. Per tree the share V_j / V of its variance explained by parameter j alone (decomposition.ts),
 *    averaged over the trees with V > 0, then normalised to sum 1. Parameters whose distribution has
 *    a single value (`isSingle`) get 0 (they cannot matter) and are listed last.
 * 5. The forest's seed: given, or a fresh one as Optuna's `seed=None` draws, returned with the result
 *    so that a plot can say which seed drew it and be redrawn identically.
 */
import { choicesEqual, distributionsEqual, isSingle } from '../distributions.ts';
import { randomSeed } from '../samplers/numeric.ts';
import { intersectionSearchSpace } from '../samplers/search-space.ts';
import { TrialState, trialValue } from '../types.ts';
import type { CategoricalChoice, Distribution, FrozenTrial } from '../types.ts';
import { decomposeTree } from './decomposition.ts';
import { fitForest } from './forest.ts';

export interface ParamImportance {
  readonly name: string;
  /** Share of the objective's variance explained by this parameter alone; all shares sum to 1. */
  readonly importance: number;
}

/** What the fANOVA worker answers: importances, or why there are none. */
export type ImportanceOutcome =
  | { readonly ok: true; readonly importances: readonly ParamImportance[]; readonly seed?: number }
  | { readonly ok: false; readonly reason: string };

export interface FanovaOptions {
  readonly nTrees?: number;
  readonly maxDepth?: number;
  /** Seed of the forest (bootstrap samples and feature order); default a fresh one, as Optuna's None. */
  readonly seed?: number;
}

export interface FanovaResult {
  readonly importances: ParamImportance[];
  /** The forest's seed, drawn when none was given: passing it again reproduces the importances. */
  readonly seed: number;
}

export type FanovaErrorCode =
  'no-completed-trials' | 'single-trial' | 'unknown-param' | 'dynamic-search-space' | 'zero-variance';

export class FanovaError extends Error {
  constructor(
    readonly code: FanovaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FanovaError';
  }
}

/** Search space to assess, by name, sorted by name (Optuna `_get_distributions`). */
export function importanceSearchSpace(
  completedTrials: readonly FrozenTrial[],
  params?: readonly string[],
): [string, Distribution][] {
  // The sampler's search space (COMPLETE trials only, as `completedTrials` holds), already sorted.
  if (params === undefined) return Object.entries(intersectionSearchSpace(completedTrials, false));
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
      else if (!distributionsEqual(seen, d)) {
        throw new FanovaError(
          'dynamic-search-space',
          `Parameters importances cannot be assessed with dynamic search spaces if parameters are specified. Specified parameters: ${JSON.stringify(params)}.`,
        );
      }
    }
  }
  return [...space.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function isChoice(v: unknown): v is CategoricalChoice {
  return v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string';
}

function choiceIndex(d: Distribution & { type: 'categorical' }, v: unknown, name: string): number {
  // Python's `choices.index(v)`, as the engine's toInternalRepr: 1, 1.0 and True are one choice.
  const k = isChoice(v) ? d.choices.findIndex((c) => choicesEqual(v, c)) : -1;
  if (k < 0) throw new Error(`fANOVA: value ${JSON.stringify(v)} of ${name} is not one of its choices`);
  return k;
}

function numeric(v: unknown, name: string): number {
  if (typeof v !== 'number') throw new Error(`fANOVA: value ${JSON.stringify(v)} of ${name} is not a number`);
  return v;
}

export function fanovaImportances(
  trials: readonly FrozenTrial[],
  params?: readonly string[],
  opts: FanovaOptions = {},
): ParamImportance[] {
  return evaluateFanova(trials, params, opts).importances;
}

/** `fanovaImportances` with the seed it used. */
export function evaluateFanova(
  trials: readonly FrozenTrial[],
  params?: readonly string[],
  opts: FanovaOptions = {},
): FanovaResult {
  // 32 bits: what numpy's RandomState (Optuna's forest) and the CLI's --seed accept, so it can be passed back.
  const seed = opts.seed ?? randomSeed() % 2 ** 32;
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
  if (assessed.length === 0) return { importances: [], seed };

  const rows = done.filter((t) => assessed.every(([p]) => p in t.params) && Number.isFinite(trialValue(t)));
  const n = rows.length;
  // Columns of each assessed parameter, in order: k one-hot columns for a categorical, else one.
  const groups: number[][] = [];
  let d = 0;
  for (const [, dist] of assessed) {
    const width = dist.type === 'categorical' ? dist.choices.length : 1;
    groups.push(Array.from({ length: width }, (_, k) => d + k));
    d += width;
  }
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  const lower = new Float64Array(d);
  const upper = new Float64Array(d);
  assessed.forEach(([p, dist], j) => {
    const first = groups[j]![0]!;
    if (dist.type === 'categorical') {
      upper.fill(1, first, first + dist.choices.length);
      rows.forEach((t, i) => (x[i * d + first + choiceIndex(dist, t.params[p], p)] = 1));
      return;
    }
    let lo = dist.low;
    let hi = dist.high;
    rows.forEach((t, i) => {
      const v = numeric(t.params[p], p);
      x[i * d + first] = v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    });
    lower[first] = lo;
    upper[first] = hi;
  });
  rows.forEach((t, i) => (y[i] = trialValue(t)!));

  const sums = new Float64Array(assessed.length);
  let used = 0;
  if (n > 0) {
    const trees = fitForest({ x, y, n, d }, { nTrees: opts.nTrees ?? 64, maxDepth: opts.maxDepth ?? 64, seed });
    for (const tree of trees) {
      const { total, marginal } = decomposeTree(tree, lower, upper, groups);
      if (!(total > 0)) continue;
      used++;
      for (let j = 0; j < assessed.length; j++) sums[j] = sums[j]! + marginal[j]! / total;
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
  return { importances: [...importances, ...single.map(([name]) => ({ name, importance: 0 }))], seed };
}
