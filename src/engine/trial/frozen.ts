/**
 * FrozenTrial helpers (optuna/trial/_frozen.py properties) and the TrialPruned signal
 * (optuna/exceptions.py).
 */
import type { FrozenTrial } from '../types.ts';

/**
 * Thrown by an objective to end its trial as PRUNED (Optuna's `TrialPruned`). The trial keeps its
 * last intermediate value as its value when that value is not NaN.
 */
export class TrialPruned extends Error {
  constructor(message = 'Trial was pruned.') {
    super(message);
    this.name = 'TrialPruned';
  }
}

/** Largest reported step, or null without reports (`FrozenTrial.last_step`). */
export function lastStep(t: Pick<FrozenTrial, 'intermediateValues'>): number | null {
  let last: number | null = null;
  for (const step of t.intermediateValues.keys()) if (last === null || step > last) last = step;
  return last;
}

/** Value reported at the last step, or null without reports. */
export function lastIntermediateValue(t: Pick<FrozenTrial, 'intermediateValues'>): number | null {
  const step = lastStep(t);
  return step === null ? null : (t.intermediateValues.get(step) as number);
}

/** Optuna's `_CONSTRAINTS_KEY`: system attr "constraints" (a list, ≤ 4.x) and "constraints:<name>" (5.0). */
export const CONSTRAINTS_KEY = 'constraints';

/**
 * A trial's constraint values by name (Optuna 5's `FrozenTrial.constraints`): the old list under
 * "constraints" as "0", "1", …, then every "constraints:<name>" attr, which wins over an old entry of the
 * same name. Non-numbers are skipped (a journal edited by hand must not make a sampler throw).
 */
export function trialConstraints(t: Pick<FrozenTrial, 'systemAttrs'>): Record<string, number> {
  const out: Record<string, number> = {};
  const old = t.systemAttrs[CONSTRAINTS_KEY];
  if (Array.isArray(old)) old.forEach((c, i) => typeof c === 'number' && (out[String(i)] = c));
  const prefix = `${CONSTRAINTS_KEY}:`;
  for (const [k, v] of Object.entries(t.systemAttrs))
    if (k.startsWith(prefix) && typeof v === 'number') out[k.slice(prefix.length)] = v;
  return out;
}

/** Feasible: every constraint value ≤ 0 (none: feasible), as Optuna's `_get_feasible_trials`. */
export function isFeasible(t: Pick<FrozenTrial, 'systemAttrs'>): boolean {
  return Object.values(trialConstraints(t)).every((c) => c <= 0);
}
