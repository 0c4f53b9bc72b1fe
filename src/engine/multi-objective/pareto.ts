/**
 * Pareto dominance (optuna/study/_multi_objective.py, v5.0): the Pareto front of COMPLETE trials
 * (`_get_pareto_front_trials_by_trials`, which `Study.best_trials` returns) and the non-domination
 * ranks with constraint penalties and the early stop at `nBelow` (`_fast_non_domination_rank`), which
 * TPE's multi-objective split and NSGA-II's elite selection use.
 *
 * Values are compared in "loss" space: maximised objectives negated, a missing value +∞. Equal loss
 * vectors never dominate each other, so every copy of a front point is on the front, as in Optuna.
 */
import { isFeasible } from '../trial/frozen.ts';
import { EngineError, TrialState, type FrozenTrial } from '../types.ts';
import type { DirectionName } from '../samplers/sampler.ts';

/** `_normalize_value`: the value to minimise. */
export function lossValue(value: number | null | undefined, direction: DirectionName): number {
  if (value === null || value === undefined) return Infinity;
  return direction === 'maximize' ? -value : value;
}

/** The trials' values as losses, one row per trial. */
export function lossMatrix(trials: readonly FrozenTrial[], directions: readonly DirectionName[]): number[][] {
  return trials.map((t) => directions.map((d, k) => lossValue(t.values?.[k], d)));
}

/** a dominates b: no worse anywhere and better somewhere (equal vectors dominate neither way). */
export function dominatesLoss(a: readonly number[], b: readonly number[]): boolean {
  let strict = false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k] as number;
    const y = b[k] as number;
    if (x > y) return false;
    if (x < y) strict = true;
  }
  return strict;
}

/** For each row: true when no other row dominates it. */
export function isParetoFront(loss: readonly (readonly number[])[]): boolean[] {
  const n = loss.length;
  const out = new Array<boolean>(n).fill(true);
  for (let i = 0; i < n; i++) {
    const a = loss[i] as readonly number[];
    for (let j = 0; j < n && out[i]; j++) if (j !== i && dominatesLoss(loss[j] as readonly number[], a)) out[i] = false;
  }
  return out;
}

/**
 * The Pareto-optimal COMPLETE trials in their input order; with `considerConstraint`, among the
 * feasible ones only (Optuna's `best_trials` does so when any trial of the study has constraints).
 */
export function paretoFrontTrials(
  trials: readonly FrozenTrial[],
  directions: readonly DirectionName[],
  considerConstraint = false,
): FrozenTrial[] {
  let done = trials.filter((t) => t.state === TrialState.COMPLETE);
  if (considerConstraint) done = done.filter(isFeasible);
  if (done.some((t) => t.values?.length !== directions.length)) {
    throw new EngineError(
      'invalid-argument',
      'The number of the values and the number of the objectives must be identical.',
    );
  }
  const front = isParetoFront(lossMatrix(done, directions));
  return done.filter((_, i) => front[i]);
}

/** Equal vectors share a key (−0 and 0 alike, as numpy's unique). */
function rowKey(row: readonly number[]): string {
  return row.map((v) => (v === 0 ? '0' : String(v))).join(',');
}

/**
 * `_calculate_nondomination_rank`: 0 for the front, 1 for the front of the rest, …, computed over the
 * distinct loss vectors. Fronts are peeled until at least `nBelow` distinct vectors have a rank;
 * every vector left gets the next rank. One objective: the dense rank of the distinct values.
 */
function nondominationRank(loss: readonly (readonly number[])[], nBelow: number | undefined): number[] {
  const n = loss.length;
  if (n === 0 || (nBelow !== undefined && nBelow <= 0)) return new Array<number>(n).fill(0);
  const index = new Map<string, number>();
  const unique: (readonly number[])[] = [];
  const of = loss.map((row) => {
    const key = rowKey(row);
    let u = index.get(key);
    if (u === undefined) {
      u = unique.length;
      index.set(key, u);
      unique.push(row);
    }
    return u;
  });
  const m = unique.length;
  const uRank = new Array<number>(m).fill(-1);
  if ((loss[0] as readonly number[]).length === 1) {
    const order = [...unique.keys()].sort((a, b) => (unique[a]![0] as number) - (unique[b]![0] as number));
    order.forEach((u, r) => (uRank[u] = r));
    return of.map((u) => uRank[u] as number);
  }
  // Deb's fast non-dominated sort: count who dominates each vector, peel the vectors with count 0.
  const dominatedBy = new Int32Array(m);
  const dominates: number[][] = unique.map(() => []);
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      if (dominatesLoss(unique[i]!, unique[j]!)) {
        dominates[i]!.push(j);
        dominatedBy[j]!++;
      } else if (dominatesLoss(unique[j]!, unique[i]!)) {
        dominates[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  }
  const limit = Math.min(nBelow ?? m, m);
  let front: number[] = [];
  for (let i = 0; i < m; i++) if (dominatedBy[i] === 0) front.push(i);
  let rank = 0;
  let ranked = 0;
  while (ranked < limit) {
    const next: number[] = [];
    for (const i of front) {
      uRank[i] = rank;
      for (const j of dominates[i]!) if (--dominatedBy[j]! === 0) next.push(j);
    }
    ranked += front.length;
    front = next;
    rank++;
  }
  for (let i = 0; i < m; i++) if (uRank[i] === -1) uRank[i] = rank;
  return of.map((u) => uRank[u] as number);
}

export interface NonDominatedSortOptions {
  /** Summed constraint violation per row; rows with penalty > 0 rank after every feasible row, by penalty. */
  penalty?: readonly number[];
  /** Ranks are exact only for the best `nBelow` rows; worse rows share a larger rank (0 or absent: all). */
  nBelow?: number;
}

/**
 * Non-domination rank of each row of `loss` (minimised; Optuna's `_fast_non_domination_rank`). With a
 * penalty, feasible rows (penalty ≤ 0) are ranked first, then infeasible rows by their penalty.
 */
export function nonDominatedSort(loss: readonly (readonly number[])[], opts: NonDominatedSortOptions = {}): number[] {
  if (loss.length === 0) return [];
  let nBelow = opts.nBelow === undefined || opts.nBelow === 0 ? loss.length : opts.nBelow;
  if (nBelow < 0) throw new EngineError('invalid-argument', 'nBelow must be a positive integer.');
  const penalty = opts.penalty;
  if (penalty === undefined) return nondominationRank(loss, nBelow);
  if (penalty.length !== loss.length) {
    throw new EngineError(
      'invalid-argument',
      `The length of penalty and loss_values must be same, but got len(penalty)=${penalty.length} and len(loss_values)=${loss.length}.`,
    );
  }
  const feasible: number[] = [];
  const infeasible: number[] = [];
  penalty.forEach((p, i) => {
    if (p <= 0) feasible.push(i);
    else if (p > 0) infeasible.push(i);
    else throw new EngineError('invalid-argument', `The penalty of row ${i} is NaN.`);
  });
  const ranks = new Array<number>(loss.length).fill(-1);
  const fr = nondominationRank(
    feasible.map((i) => loss[i] as readonly number[]),
    nBelow,
  );
  let top = 0;
  feasible.forEach((i, k) => {
    ranks[i] = fr[k] as number;
    top = Math.max(top, (fr[k] as number) + 1);
  });
  nBelow -= feasible.length;
  const ir = nondominationRank(
    infeasible.map((i) => [penalty[i] as number]),
    nBelow,
  );
  infeasible.forEach((i, k) => (ranks[i] = top + (ir[k] as number)));
  return ranks;
}
