/**
 * NSGA-II's survival step (optuna/samplers/nsgaii/_elite_population_selection_strategy.py and
 * _constraints_evaluation.py, v5.0): rank the population by non-domination (constraint-aware when any
 * individual has constraints: feasible first, then infeasible by summed violation), fill the next
 * parent population rank by rank, and cut the rank that does not fit by crowding distance, largest first.
 */
import { dominatesLoss, lossValue, nonDominatedSort } from '../../multi-objective/pareto.ts';
import { trialConstraints } from '../../trial/frozen.ts';
import { EngineError, TrialState, type FrozenTrial } from '../../types.ts';
import type { DirectionName } from '../sampler.ts';

/** `_is_constrained_optimization`: some trial has a constraint value. */
export function isConstrained(trials: readonly FrozenTrial[]): boolean {
  return trials.some((t) => Object.keys(trialConstraints(t)).length > 0);
}

/** `_evaluate_penalty`: the summed positive constraint values. */
export function penaltyOf(t: FrozenTrial): number {
  let s = 0;
  for (const v of Object.values(trialConstraints(t))) if (v > 0) s += v;
  return s;
}

/** `_dominates` of two trials: a COMPLETE trial dominates an unfinished one; then Pareto dominance. */
export function trialDominates(a: FrozenTrial, b: FrozenTrial, directions: readonly DirectionName[]): boolean {
  if (a.state !== TrialState.COMPLETE) return false;
  if (b.state !== TrialState.COMPLETE) return true;
  const va = a.values ?? [];
  const vb = b.values ?? [];
  if (va.length !== vb.length || va.length !== directions.length)
    throw new EngineError(
      'invalid-argument',
      'The number of the values and the number of the objectives are mismatched.',
    );
  return dominatesLoss(
    directions.map((d, k) => lossValue(va[k], d)),
    directions.map((d, k) => lossValue(vb[k], d)),
  );
}

/**
 * `_constrained_dominates`: a feasible trial dominates an infeasible one, two infeasible ones compare by
 * summed violation, two feasible ones by Pareto dominance.
 */
export function constrainedDominates(a: FrozenTrial, b: FrozenTrial, directions: readonly DirectionName[]): boolean {
  if (a.state !== TrialState.COMPLETE) return false;
  if (b.state !== TrialState.COMPLETE) return true;
  const ca = Object.values(trialConstraints(a));
  const cb = Object.values(trialConstraints(b));
  const okA = ca.every((v) => v <= 0);
  const okB = cb.every((v) => v <= 0);
  if (okA && okB) return trialDominates(a, b, directions);
  if (okA) return true;
  if (okB) return false;
  return penaltyOf(a) < penaltyOf(b);
}

/** `_rank_population`: the individuals of each non-domination rank, best rank first, in input order. */
export function rankPopulation(
  population: readonly FrozenTrial[],
  directions: readonly DirectionName[],
  constrained: boolean,
): FrozenTrial[][] {
  if (population.length === 0) return [];
  const loss = population.map((t) => directions.map((d, k) => lossValue(t.values?.[k], d)));
  const ranks = nonDominatedSort(loss, constrained ? { penalty: population.map(penaltyOf) } : {});
  const out: FrozenTrial[][] = Array.from({ length: Math.max(...ranks) + 1 }, () => []);
  population.forEach((t, i) => out[ranks[i] as number]!.push(t));
  return out;
}

const byNumber = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `_calc_crowding_distance`: per objective, the gap between each individual's two neighbours in value
 * order over the objective's finite range (an objective where all are equal adds nothing; ∞ − ∞ is 0).
 * Also returns the individuals in the order Optuna leaves its list in (sorted by each objective in
 * turn, stably), which decides the order of equal distances.
 */
export function crowdingDistance(population: readonly FrozenTrial[]): {
  distance: Map<number, number>;
  order: FrozenTrial[];
} {
  const distance = new Map<number, number>();
  let order = population.slice();
  if (order.length === 0) return { distance, order };
  const m = (order[0]!.values ?? []).length;
  for (let i = 0; i < m; i++) {
    const value = (t: FrozenTrial): number => (t.values as readonly number[])[i] as number;
    order = order.slice().sort((a, b) => byNumber(value(a), value(b)));
    if (value(order[0]!) === value(order[order.length - 1]!)) continue;
    const vs = [-Infinity, ...order.map(value), Infinity];
    const vMin = vs.find((x) => x !== -Infinity) as number;
    const vMax = [...vs].reverse().find((x) => x !== Infinity) as number;
    let width = vMax - vMin;
    if (!(width > 0)) width = 1;
    order.forEach((t, j) => {
      const gap = vs[j] === vs[j + 2] ? 0 : (vs[j + 2] as number) - (vs[j] as number);
      distance.set(t.number, (distance.get(t.number) ?? 0) + gap / width);
    });
  }
  return { distance, order };
}

/** `_crowding_distance_sort`: largest distance first; equal distances in reverse of Optuna's list order. */
export function crowdingDistanceSort(population: readonly FrozenTrial[]): FrozenTrial[] {
  const { distance, order } = crowdingDistance(population);
  const d = (t: FrozenTrial): number => distance.get(t.number) ?? 0;
  return order
    .slice()
    .sort((a, b) => byNumber(d(a), d(b)))
    .reverse();
}

/**
 * `NSGAIIElitePopulationSelectionStrategy`: the next parent population of `populationSize` from the
 * COMPLETE trials of the last generation and its parents.
 */
export function selectElitePopulation(
  population: readonly FrozenTrial[],
  directions: readonly DirectionName[],
  populationSize: number,
): FrozenTrial[] {
  const constrained = isConstrained(population);
  if (constrained && population.some((t) => Object.values(trialConstraints(t)).some(Number.isNaN)))
    throw new EngineError('invalid-argument', 'NaN is not acceptable as constraint value.');
  const elite: FrozenTrial[] = [];
  for (const individuals of rankPopulation(population, directions, constrained)) {
    if (elite.length + individuals.length < populationSize) {
      elite.push(...individuals);
      continue;
    }
    elite.push(...crowdingDistanceSort(individuals).slice(0, populationSize - elite.length));
    break;
  }
  return elite;
}
