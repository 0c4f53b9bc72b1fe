/**
 * TPE's pure pieces (optuna/samplers/_tpe/sampler.py, v4.9): `default_gamma`, `hyperopt_default_gamma`,
 * `default_weights` and `_split_trials` for one objective. Spec: study-engine.md §3, step 2.
 */
import { lastStep } from '../../trial/frozen.ts';
import { TrialState, type FrozenTrial } from '../../types.ts';
import type { DirectionName } from '../sampler.ts';

/** min(ceil(0.1·n), 25), computed with the same floating-point product as Python. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Hyperopt's variant min(ceil(0.25·√n), 25) (deprecated in Optuna, kept for ablations). */
export function hyperoptDefaultGamma(n: number): number {
  return Math.min(Math.ceil(0.25 * Math.sqrt(n)), 25);
}

/** Empty for n = 0; ones for n < 25; else linspace(1/n, 1, n − 25) for the oldest, then 25 ones. */
export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  if (n < 25) return w;
  const m = n - 25;
  // numpy.linspace(start, stop, num): start + k·(stop − start)/(num − 1), last value exactly `stop`.
  const start = 1 / n;
  if (m === 1) w[0] = start;
  else {
    const delta = (1 - start) / (m - 1);
    for (let k = 0; k < m; k++) w[k] = start + k * delta;
    w[m - 1] = 1;
  }
  return w;
}

/** Optuna's `_get_infeasible_trial_score`: summed positive constraint violation (0 when feasible). */
export function infeasibleScore(t: FrozenTrial): number {
  const c = t.systemAttrs['constraints'];
  if (!Array.isArray(c)) return 0;
  let s = 0;
  for (const x of c) if (typeof x === 'number' && x > 0) s += x;
  return s;
}

/** Sort key of a PRUNED trial (`_get_pruned_trial_score`): (−last step, last value), NaN last. */
function prunedKey(t: FrozenTrial, maximize: boolean): [number, number] {
  const step = lastStep(t);
  if (step === null) return [1, 0];
  const v = t.intermediateValues.get(step) as number;
  if (Number.isNaN(v)) return [-step, Infinity];
  return [-step, maximize ? -v : v];
}

/**
 * Indices (into `keys`) of the k smallest keys; ties keep the earlier index, which reproduces a stable
 * sort followed by a slice. O(n·k) worst case with k ≤ 25.
 */
function smallestK(n: number, k: number, less: (i: number, j: number) => boolean): number[] {
  const best: number[] = [];
  if (k <= 0) return best;
  for (let i = 0; i < n; i++) {
    if (best.length === k && !less(i, best[k - 1] as number)) continue;
    let pos = best.length === k ? k - 1 : best.length;
    while (pos > 0 && less(i, best[pos - 1] as number)) {
      best[pos] = best[pos - 1] as number;
      pos--;
    }
    best[pos] = i;
  }
  return best;
}

/**
 * Splits COMPLETE and PRUNED trials into `below` (the nBelow best) and `above`, each in number order:
 * COMPLETE trials ranked by value, then PRUNED by (−last step, last value), PRUNED without reports last;
 * with constraints, infeasible trials follow by summed violation. Returns a flag per input trial.
 */
export function splitTrials(
  trials: readonly FrozenTrial[],
  nBelow: number,
  direction: DirectionName,
  constraintsEnabled = false,
): Uint8Array {
  const maximize = direction === 'maximize';
  const complete: number[] = [];
  const pruned: number[] = [];
  const infeasible: number[] = [];
  for (let i = 0; i < trials.length; i++) {
    const t = trials[i] as FrozenTrial;
    if (constraintsEnabled && infeasibleScore(t) > 0) infeasible.push(i);
    else if (t.state === TrialState.COMPLETE) complete.push(i);
    else if (t.state === TrialState.PRUNED) pruned.push(i);
  }
  const below = new Uint8Array(trials.length);
  let remaining = nBelow;

  const cv = complete.map((i) => {
    const v = (trials[i] as FrozenTrial).values?.[0] as number;
    return maximize ? -v : v;
  });
  for (const j of smallestK(complete.length, Math.min(remaining, complete.length), (a, b) => (cv[a] as number) < (cv[b] as number))) {
    below[complete[j] as number] = 1;
  }
  remaining = Math.max(0, remaining - Math.min(remaining, complete.length));

  const pk = pruned.map((i) => prunedKey(trials[i] as FrozenTrial, maximize));
  const pLess = (a: number, b: number): boolean => {
    const x = pk[a] as [number, number];
    const y = pk[b] as [number, number];
    return x[0] < y[0] || (x[0] === y[0] && x[1] < y[1]);
  };
  for (const j of smallestK(pruned.length, Math.min(remaining, pruned.length), pLess)) below[pruned[j] as number] = 1;
  remaining = Math.max(0, remaining - Math.min(remaining, pruned.length));

  const iv = infeasible.map((i) => infeasibleScore(trials[i] as FrozenTrial));
  for (const j of smallestK(infeasible.length, Math.min(remaining, infeasible.length), (a, b) => (iv[a] as number) < (iv[b] as number))) {
    below[infeasible[j] as number] = 1;
  }
  return below;
}
