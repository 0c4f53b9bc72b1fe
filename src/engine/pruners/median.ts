/**
 * PercentilePruner and MedianPruner (optuna/pruners/_percentile.py, _median.py, v4.9).
 * See docs/design/study-engine.md#pruners. No pruning with fewer than max(1, nStartupTrials) COMPLETE trials, before
 * the first report, during warm-up, or off the first check of an interval window. Otherwise the
 * trial's best report (NaN ⇒ prune) is compared with the `percentile` of the COMPLETE trials'
 * reports at exactly the current step (mirrored for maximization); fewer than nMinTrials such
 * reports ⇒ keep.
 */
import { lastStep } from '../trial/frozen.ts';
import { TrialState, type FrozenTrial } from '../types.ts';
import { EngineError } from '../types.ts';
import type { Pruner, PrunerStudy } from './pruner.ts';

export interface PercentilePrunerOptions {
  nStartupTrials?: number;
  nWarmupSteps?: number;
  intervalSteps?: number;
  nMinTrials?: number;
}

/** numpy's `_lerp`: exact at both ends, computed from the nearer end. */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** `np.nanpercentile(values, q)` with linear interpolation; NaN when no value is a number. */
export function nanPercentile(values: readonly number[], q: number): number {
  const a = values.filter((v) => !Number.isNaN(v)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  if (a.length === 0) return NaN;
  const index = (q / 100) * (a.length - 1);
  const lo = Math.floor(index);
  const hi = Math.min(lo + 1, a.length - 1);
  return lerp(a[lo] as number, a[hi] as number, index - lo);
}

/** Best of the trial's reports, ignoring NaN (NaN only when every report is NaN). */
function bestIntermediate(t: FrozenTrial, maximize: boolean): number {
  let best = NaN;
  for (const v of t.intermediateValues.values()) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (maximize ? v > best : v < best)) best = v;
  }
  return best;
}

/** True when `step` is the first report in its interval window (`_is_first_in_interval_step`). */
export function isFirstInIntervalStep(
  step: number,
  steps: Iterable<number>,
  nWarmupSteps: number,
  intervalSteps: number,
): boolean {
  const nearestLowerPruningStep = Math.floor((step - nWarmupSteps) / intervalSteps) * intervalSteps + nWarmupSteps;
  let secondLast = -1;
  for (const s of steps) if (s > secondLast && s !== step) secondLast = s;
  return secondLast < nearestLowerPruningStep;
}

export class PercentilePruner implements Pruner {
  private readonly nStartupTrials: number;
  private readonly nWarmupSteps: number;
  private readonly intervalSteps: number;
  private readonly nMinTrials: number;

  constructor(
    private readonly percentile: number,
    opts: PercentilePrunerOptions = {},
  ) {
    this.nStartupTrials = opts.nStartupTrials ?? 5;
    this.nWarmupSteps = opts.nWarmupSteps ?? 0;
    this.intervalSteps = opts.intervalSteps ?? 1;
    this.nMinTrials = opts.nMinTrials ?? 1;
    const bad = (m: string): never => {
      throw new EngineError('invalid-argument', m);
    };
    if (!(percentile >= 0 && percentile <= 100))
      bad(`Percentile must be between 0 and 100 inclusive but got ${percentile}.`);
    if (!(this.nStartupTrials >= 0)) bad(`Number of startup trials cannot be negative but got ${this.nStartupTrials}.`);
    if (!(this.nWarmupSteps >= 0)) bad(`Number of warmup steps cannot be negative but got ${this.nWarmupSteps}.`);
    if (!(this.intervalSteps >= 1)) bad(`Pruning interval steps must be at least 1 but got ${this.intervalSteps}.`);
    if (!(this.nMinTrials >= 1)) bad(`Number of trials for pruning must be at least 1 but got ${this.nMinTrials}.`);
  }

  async prune(study: PrunerStudy, trial: FrozenTrial): Promise<boolean> {
    const completed = await study.getTrials([TrialState.COMPLETE]);
    if (completed.length === 0 || completed.length < this.nStartupTrials) return false;
    const step = lastStep(trial);
    if (step === null || step < this.nWarmupSteps) return false;
    if (!isFirstInIntervalStep(step, trial.intermediateValues.keys(), this.nWarmupSteps, this.intervalSteps))
      return false;

    const maximize = study.direction === 'maximize';
    const best = bestIntermediate(trial, maximize);
    if (Number.isNaN(best)) return true;

    const atStep: number[] = [];
    for (const t of completed) {
      const v = t.intermediateValues.get(step);
      if (v !== undefined) atStep.push(v);
    }
    if (atStep.length < this.nMinTrials) return false;
    const p = nanPercentile(atStep, maximize ? 100 - this.percentile : this.percentile);
    if (Number.isNaN(p)) return false;
    return maximize ? best < p : best > p;
  }
}

/** MedianPruner(n_startup_trials=5, n_warmup_steps=0, interval_steps=1, n_min_trials=1) = percentile 50. */
export class MedianPruner extends PercentilePruner {
  constructor(opts: PercentilePrunerOptions = {}) {
    super(50, opts);
  }
}
