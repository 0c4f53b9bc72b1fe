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
