/**
 * What a study's trials mean for a multi-objective (Pareto) study and a budget, as pure functions:
 * which trials were rejected over budget before training (they do not count as trials), each trial's
 * weighted sum L (its value in a single-objective study, the user attribute `L` in a Pareto one), the
 * weighted sum's best, and the best trials as Optuna 5's `best_trials` (the feasible Pareto front).
 */
import {
  isFeasible,
  paretoFrontTrials,
  trialConstraints,
  TrialState,
  type DirectionName,
  type FrozenTrial,
  type JsonValue,
} from '../engine/index.ts';

/** User attribute of a trial rejected over budget: what was over ("2.1 M parameters > 1.5 M"). */
export const OVER_BUDGET_KEY = 'over_budget';
/** User attribute with the weighted sum L of a completed trial (single- and multi-objective studies). */
export const WEIGHTED_SUM_KEY = 'L';

/** A trial the budget rejected before it trained: PRUNED with the reason in `over_budget`. */
export function isOverBudget(t: FrozenTrial): boolean {
  return t.state === TrialState.PRUNED && typeof t.userAttrs[OVER_BUDGET_KEY] === 'string';
}

export function overBudgetReason(t: FrozenTrial): string | null {
  const r: JsonValue | undefined = t.userAttrs[OVER_BUDGET_KEY];
  return typeof r === 'string' ? r : null;
}

/** The objective count of a study, read from its trials (1 when none has values yet). */
export function objectiveCount(trials: readonly FrozenTrial[]): number {
  for (const t of trials) if (t.values !== null && t.values.length > 0) return t.values.length;
  return 1;
}

/** L of a COMPLETE trial: its value with one objective, else its `L` user attribute (null without). */
export function weightedSumOf(t: FrozenTrial): number | null {
  if (t.state !== TrialState.COMPLETE || t.values === null) return null;
  if (t.values.length === 1) return t.values[0]!;
  const l = t.userAttrs[WEIGHTED_SUM_KEY];
  return typeof l === 'number' ? l : null;
}

/**
 * The feasible COMPLETE trial with the lowest finite L (highest: a maximized single-objective study,
 * as an imported journal may be), the earliest on a tie (feasible as Optuna 5's
 * best_trial: constraints all ≤ 0); null when none has one.
 */
export function weightedSumBest(trials: readonly FrozenTrial[], maximize = false): FrozenTrial | null {
  let best: FrozenTrial | null = null;
  let bestL = maximize ? -Infinity : Infinity;
  for (const t of trials) {
    if (!isFeasible(t)) continue;
    const l = weightedSumOf(t);
    if (l === null || !Number.isFinite(l)) continue;
    if (best === null || (maximize ? l > bestL : l < bestL)) {
      best = t;
      bestL = l;
    }
  }
  return best;
}

/**
 * Optuna 5's `Study.best_trials`: the Pareto-optimal COMPLETE trials in number order, among the
 * feasible ones when any trial carries constraints; trials without the study's number of values (none
 * in a well-formed journal) are left out.
 */
export function paretoSet(trials: readonly FrozenTrial[], directions: readonly DirectionName[]): FrozenTrial[] {
  const k = directions.length;
  const done = trials.filter((t) => t.state === TrialState.COMPLETE && t.values?.length === k);
  const constrained = trials.some((t) => Object.keys(trialConstraints(t)).length > 0);
  return paretoFrontTrials(done, directions, constrained).sort((a, b) => a.number - b.number);
}

/**
 * The trials as a single-objective study of L, for the plots and importances that take one objective
 * (Optuna's need a `target` in a multi-objective study; ours is the recorded L): a multi-objective
 * trial's values become [L], or null without a recorded L; single-objective trials are unchanged.
 */
export function weightedSumView(trials: readonly FrozenTrial[]): FrozenTrial[] {
  return trials.map((t) => {
    if (t.values === null || t.values.length <= 1) return t;
    const l = t.userAttrs[WEIGHTED_SUM_KEY];
    return { ...t, values: typeof l === 'number' ? [l] : null };
  });
}
