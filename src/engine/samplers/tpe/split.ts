/**
 * TPE's pure pieces (optuna/samplers/_tpe/sampler.py, v5.0): `default_gamma`, `hyperopt_default_gamma`,
 * `default_weights` and `_split_trials` (several objectives: split-multi-objective.ts). See
 * docs/design/study-engine.md#tpe.
 */
import { lastStep, trialConstraints } from '../../trial/frozen.ts';
import { TrialState, type FrozenTrial } from '../../types.ts';
import { lossValue } from '../../multi-objective/pareto.ts';
import type { DirectionName } from '../sampler.ts';
import { splitCompleteMultiObjective } from './split-multi-objective.ts';
import { Workspace } from './workspace.ts';

/** min(ceil(0.1·n), 25), computed with the same floating-point product as Python. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Hyperopt's variant min(ceil(0.25·√n), 25) (deprecated in Optuna, kept for ablations). */
export function hyperoptDefaultGamma(n: number): number {
  return Math.min(Math.ceil(0.25 * Math.sqrt(n)), 25);
}

const weightsCache = new Map<number, Float64Array>();

/**
 * Empty for n = 0; ones for n < 25; else linspace(1/n, 1, n − 25) for the oldest, then 25 ones.
 * The result is shared (memoised per n): do not modify it.
 */
export function defaultWeights(n: number): Float64Array {
  let w = weightsCache.get(n);
  if (w === undefined) {
    if (weightsCache.size > 64) weightsCache.clear();
    w = computeDefaultWeights(n);
    weightsCache.set(n, w);
  }
  return w;
}

function computeDefaultWeights(n: number): Float64Array {
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

/**
 * Optuna's `_get_infeasible_trial_score`: summed positive constraint violation (0 when feasible), over
 * the old list attr and 5.0's "constraints:<name>" attrs alike (`trialConstraints`).
 */
export function infeasibleScore(t: FrozenTrial): number {
  let s = 0;
  for (const x of Object.values(trialConstraints(t))) if (x > 0) s += x;
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
 * Marks in `below` the k entries of `idx[0..n)` with the smallest (key1, key2), ties keeping the
 * earlier entry — the same set as a stable sort followed by a slice. O(n·k) worst case, k ≤ 25.
 */
function markSmallest(
  idx: Int32Array,
  n: number,
  key1: Float64Array,
  key2: Float64Array,
  k: number,
  below: Uint8Array,
): void {
  if (k <= 0) return;
  const best = new Int32Array(k); // positions into idx, ordered by key
  let size = 0;
  for (let i = 0; i < n; i++) {
    const a1 = key1[i] as number;
    const a2 = key2[i] as number;
    if (size === k) {
      const w = best[k - 1] as number;
      const b1 = key1[w] as number;
      if (!(a1 < b1 || (a1 === b1 && a2 < (key2[w] as number)))) continue;
    }
    let pos = size === k ? k - 1 : size++;
    while (pos > 0) {
      const w = best[pos - 1] as number;
      const b1 = key1[w] as number;
      if (!(a1 < b1 || (a1 === b1 && a2 < (key2[w] as number)))) break;
      best[pos] = w;
      pos--;
    }
    best[pos] = i;
  }
  for (let j = 0; j < size; j++) below[idx[best[j] as number] as number] = 1;
}

/**
 * Splits COMPLETE and PRUNED trials into `below` (the nBelow best) and `above`, each in number order:
 * COMPLETE trials ranked by value (several objectives: by non-domination rank and HSSP), then PRUNED
 * by (−last step, last value), PRUNED without reports last; with constraints, infeasible trials follow
 * by summed violation. Any other trial (the constant liar's RUNNING ones) is never below. Returns a
 * flag per input trial (a fresh array; `ws` only holds the sort keys, so a sampler can pass its own
 * and keep them from call to call).
 */
export function splitTrials(
  trials: readonly FrozenTrial[],
  nBelow: number,
  direction: DirectionName | readonly DirectionName[],
  constraintsEnabled = false,
  ws: Workspace = new Workspace(),
): Uint8Array {
  const directions: readonly DirectionName[] = typeof direction === 'string' ? [direction] : direction;
  const multi = directions.length > 1;
  // A multi-objective trial never has reports, so its PRUNED key is the same either way.
  const maximize = !multi && directions[0] === 'maximize';
  const n = trials.length;
  const below = new Uint8Array(n);
  // Group g ∈ {0: COMPLETE, 1: PRUNED, 2: infeasible} occupies idx/k1/k2[g·n, g·n + count[g]).
  const idx = ws.i32('idx', 3 * n);
  const k1 = ws.f64('k1', 3 * n);
  const k2 = ws.f64('k2', 3 * n);
  const count = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const t = trials[i] as FrozenTrial;
    let g: number;
    let a: number;
    let b = 0;
    // A RUNNING trial (the constant liar's) is never infeasible: its constraints are not set yet (5.0).
    const finished = t.state === TrialState.COMPLETE || t.state === TrialState.PRUNED;
    const violation = constraintsEnabled && finished ? infeasibleScore(t) : 0;
    if (violation > 0) {
      g = 2;
      a = violation;
    } else if (t.state === TrialState.COMPLETE) {
      g = 0;
      const v = (t.values as readonly number[])[0] as number;
      a = maximize ? -v : v;
    } else if (t.state === TrialState.PRUNED) {
      g = 1;
      [a, b] = prunedKey(t, maximize);
    } else continue;
    const at = g * n + (count[g] as number);
    idx[at] = i;
    k1[at] = a;
    k2[at] = b;
    count[g] = (count[g] as number) + 1;
  }
  let remaining = nBelow;
  for (let g = 0; g < 3; g++) {
    const c = count[g] as number;
    const take = Math.min(remaining, c);
    remaining -= take;
    if (g === 0 && multi) {
      const rows = Array.from(idx.subarray(0, c), (i) =>
        directions.map((d, k) => lossValue((trials[i] as FrozenTrial).values?.[k], d)),
      );
      const flags = splitCompleteMultiObjective(rows, take);
      for (let j = 0; j < c; j++) if (flags[j] === 1) below[idx[j] as number] = 1;
      continue;
    }
    markSmallest(
      idx.subarray(g * n, g * n + c),
      c,
      k1.subarray(g * n, g * n + c),
      k2.subarray(g * n, g * n + c),
      take,
      below,
    );
  }
  return below;
}
