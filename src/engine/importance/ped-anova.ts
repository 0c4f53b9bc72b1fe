/**
 * Parameter importances by PED-ANOVA, Optuna 5.0's default evaluator
 * (optuna/importance/_ped_anova/evaluator.py `PedAnovaImportanceEvaluator` and
 * scott_parzen_estimator.py, defaults target_quantile 0.1, region_quantile 1, evaluate_on_local):
 *
 * 1. Trials: COMPLETE with finite values. Parameters: every one a completed trial has (conditional
 *    ones too). With one trial or none, every importance is 0 before normalizing (Optuna warns).
 * 2. Target trials: loss ≤ the ⌈0.1·n⌉-th smallest loss (ties kept), loss = value, negated when the
 *    study maximizes. Region trials: all of them.
 * 3. Per parameter, the region trials are split into regimes by the distribution they carry it with
 *    (trials without it are the inactive regime, which adds nothing); regimes of fewer than 2 trials
 *    are dropped. Each regime adds α²/β · D, with α its share of the target trials, β its share of
 *    the region trials, and D the Pearson divergence Σ p_local·(p_top/p_local − 1)² of two Parzen
 *    estimators on a grid: numbers binned on at most 50 points of [low, high] (log scale for log
 *    parameters; fewer points for a coarse step or an integer-log range), Scott's-rule bandwidth;
 *    categoricals on their choices.
 * 4. Everything times (|target| / |region|)², then normalized to sum 1 (all zero: equal shares), as
 *    `get_param_importances(normalize=True)`; sorted most important first.
 *
 * Deterministic (no seed): the engine's numbers equal Optuna's up to rounding.
 */
import { distributionsEqual, isSingle, toInternalRepr } from '../distributions.ts';
import { logGaussMass } from '../samplers/tpe/truncnorm.ts';
import type { Distribution, FrozenTrial } from '../types.ts';
import { TrialState } from '../types.ts';
import type { ParamImportance } from './evaluator.ts';

export interface PedAnovaOptions {
  /** γ′: importance of reaching the top `targetQuantile` of the values (default 0.1). */
  readonly targetQuantile?: number;
  /** γ: the region the importance is measured in (default 1, the whole study). */
  readonly regionQuantile?: number;
  /** Which direction is better (default minimize). */
  readonly direction?: 'minimize' | 'maximize';
}

const N_STEPS = 50;
const PRIOR_WEIGHT = 1;
const MIN_TRIALS_IN_REGIME = 2;

/** Trials whose loss is at or below the ⌈q·n⌉-th smallest (Optuna's `_QuantileFilter`). */
function topQuantile(trials: readonly FrozenTrial[], q: number, sign: number): FrozenTrial[] {
  if (q === 1) return [...trials];
  const loss = trials.map((t) => sign * (t.values?.[0] as number));
  const cutoffIndex = Math.ceil(q * loss.length) - 1;
  const cutoff = [...loss].sort((a, b) => a - b)[cutoffIndex] as number;
  return trials.filter((_, i) => (loss[i] as number) <= cutoff);
}

/** Counts of the parameter's values on its grid (`_count_numerical_param_in_grid` / categorical). */
function gridCounts(name: string, d: Distribution, trials: readonly FrozenTrial[]): Float64Array {
  if (d.type === 'categorical') {
    const counts = new Float64Array(d.choices.length);
    for (const t of trials) counts[toInternalRepr(d, t.params[name])]! += 1;
    return counts;
  }
  let nSteps = N_STEPS;
  if (d.type === 'int' && d.log) nSteps = Math.min(Math.ceil(Math.log(d.high - d.low + 1) / Math.log(2)) + 1, nSteps);
  else if (d.step !== null && d.step !== undefined)
    nSteps = Math.min(Math.round((d.high - d.low) / d.step) + 1, nSteps);
  const low = d.log ? Math.log(d.low) : d.low;
  const high = d.log ? Math.log(d.high) : d.high;
  const stepSize = (high - low) / (nSteps - 1);
  const counts = new Float64Array(nSteps);
  for (const t of trials) {
    const v = t.params[name] as number;
    // Midpoint ties go to the lower grid point, as Optuna's ceil(x − 0.5).
    const k = Math.ceil(((d.log ? Math.log(v) : v) - low) / stepSize - 0.5);
    counts[Math.min(Math.max(k, 0), nSteps - 1)]! += 1;
  }
  return counts;
}

/** numpy's searchsorted on a non-decreasing array: first i with a[i] ≥ x (left) or a[i] > x (right). */
function searchSorted(a: Float64Array, x: number, side: 'left' | 'right'): number {
  let i = 0;
  while (i < a.length && (side === 'left' ? (a[i] as number) < x : (a[i] as number) <= x)) i++;
  return i;
}

/** Density on grid points 0..size−1 of the Parzen estimator built from `counts` (`ScottParzenEstimator`). */
function gridPdf(counts: Float64Array, categorical: boolean): Float64Array {
  const size = counts.length;
  const obs: number[] = [];
  const w: number[] = [];
  counts.forEach((c, i) => {
    if (c > 0) {
      obs.push(i);
      w.push(c);
    }
  });
  const total = w.reduce((a, b) => a + b, 0);
  const mixture = [...w, PRIOR_WEIGHT].map((x) => x / (total + PRIOR_WEIGHT));
  const pdf = new Float64Array(size);
  if (categorical) {
    const K = obs.length + 1;
    for (let k = 0; k < K; k++) {
      // Row k: prior_weight / K on every choice, + 1 on the observed one; rows sum to 1.
      const rowSum = size * (PRIOR_WEIGHT / K) + (k < obs.length ? 1 : 0);
      for (let x = 0; x < size; x++) {
        const p = (PRIOR_WEIGHT / K + (k < obs.length && obs[k] === x ? 1 : 0)) / rowSum;
        pdf[x]! += (mixture[k] as number) * p;
      }
    }
    return pdf;
  }
  // Scott's rule on the binned observations, weighted by their counts.
  const cum = new Float64Array(w.length);
  w.reduce((acc, x, i) => (cum[i] = acc + x), 0);
  const mean = obs.reduce((a, o, i) => a + o * (w[i] as number), 0) / total;
  let sigma = Math.sqrt(obs.reduce((a, o, i) => a + (o - mean) ** 2 * (w[i] as number), 0) / Math.max(1, total - 1));
  const q1 = searchSorted(cum, Math.floor(total / 4), 'left');
  const q3 = searchSorted(cum, Math.floor((total * 3) / 4), 'right');
  const iqr = (obs[Math.min(obs.length - 1, q3)] as number) - (obs[q1] as number);
  sigma = 1.059 * Math.min(iqr / 1.34, sigma) * total ** -0.2;
  const s = Math.max(sigma, 0.5 / 1.64);
  const low = 0;
  const high = size - 1;
  const mus = [...obs, (low + high) / 2];
  const sigmas = [...obs.map(() => s), high - low + 1];
  for (let k = 0; k < mus.length; k++) {
    const mu = mus[k] as number;
    const sk = sigmas[k] as number;
    const logNorm = logGaussMass((low - 0.5 - mu) / sk, (high + 0.5 - mu) / sk);
    for (let x = 0; x < size; x++) {
      pdf[x]! += (mixture[k] as number) * Math.exp(logGaussMass((x - 0.5 - mu) / sk, (x + 0.5 - mu) / sk) - logNorm);
    }
  }
  return pdf;
}

function pearsonDivergence(
  name: string,
  d: Distribution,
  target: readonly FrozenTrial[],
  region: readonly FrozenTrial[],
): number {
  const categorical = d.type === 'categorical';
  const top = gridPdf(gridCounts(name, d, target), categorical);
  const local = gridPdf(gridCounts(name, d, region), categorical);
  let sum = 0;
  for (let x = 0; x < top.length; x++) {
    const pl = (local[x] as number) + 1e-12;
    sum += pl * (((top[x] as number) + 1e-12) / pl - 1) ** 2;
  }
  return sum;
}

/** PED-ANOVA importances of the study's COMPLETE trials, normalized to sum 1 (see the header). */
export function pedAnovaImportances(trials: readonly FrozenTrial[], opts: PedAnovaOptions = {}): ParamImportance[] {
  const targetQuantile = opts.targetQuantile ?? 0.1;
  const regionQuantile = opts.regionQuantile ?? 1;
  if (!(targetQuantile > 0 && targetQuantile < regionQuantile && regionQuantile <= 1)) {
    throw new Error(
      `PED-ANOVA needs 0 < target quantile < region quantile ≤ 1 (got ${targetQuantile} and ${regionQuantile})`,
    );
  }
  const completed = trials.filter((t) => t.state === TrialState.COMPLETE);
  const names = [...new Set(completed.flatMap((t) => Object.keys(t.distributions)))].sort();
  const done = completed.filter((t) => t.values !== null && t.values.length > 0 && t.values.every(Number.isFinite));
  const raw = new Map<string, number>(names.map((n) => [n, 0]));
  const sign = opts.direction === 'maximize' ? -1 : 1;
  const target = done.length <= 1 ? [] : topQuantile(done, targetQuantile, sign);
  const region = done.length <= 1 ? [] : topQuantile(done, regionQuantile, sign);
  if (target.length > 0) {
    const inTarget = new Set(target);
    for (const name of names) {
      // Regimes: region trials grouped by the distribution they have `name` with (equal distributions share one).
      const regimes: { d: Distribution; trials: FrozenTrial[] }[] = [];
      for (const t of region) {
        const d = t.distributions[name];
        if (d === undefined) continue;
        const r = regimes.find((x) => distributionsEqual(x.d, d));
        if (r === undefined) regimes.push({ d, trials: [t] });
        else r.trials.push(t);
      }
      for (const { d, trials: inRegime } of regimes) {
        if (inRegime.length < MIN_TRIALS_IN_REGIME || isSingle(d)) continue;
        const targetInRegime = inRegime.filter((t) => inTarget.has(t));
        if (targetInRegime.length === 0) continue;
        const alpha = targetInRegime.length / target.length;
        const beta = inRegime.length / region.length;
        raw.set(
          name,
          (raw.get(name) as number) + (alpha ** 2 / beta) * pearsonDivergence(name, d, targetInRegime, inRegime),
        );
      }
    }
  }
  const q = region.length === 0 ? 0 : target.length / region.length;
  const scaled = names.map((name) => ({ name, importance: (raw.get(name) as number) * q ** 2 }));
  const sum = scaled.reduce((a, p) => a + p.importance, 0);
  const importances = scaled.map((p) => ({
    name: p.name,
    importance: sum === 0 ? 1 / scaled.length : p.importance / sum,
  }));
  return importances.sort((a, b) => b.importance - a.importance || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
