/**
 * SuccessiveHalvingPruner: asynchronous successive halving without repechage
 * (Li et al. 2018, arXiv 1810.05934; optuna/pruners/_successive_halving.py, v4.9).
 * See docs/design/study-engine.md#pruners. A trial's rung is the number of `completed_rung_k` system attributes it
 * holds; at step ≥ minResource·η^(s+rung) it records its value for that rung and is kept only if the
 * value is within the top max(⌊n/η⌋, 1) of all values recorded at the rung (its own included).
 * 'auto' min resource = max(⌊longest COMPLETE trial's last step / 100⌋, 1), so nothing is pruned
 * before some trial completes. Like Optuna, the first successful estimate is kept for the life of
 * the pruner object; a pruner created after a reload estimates again from the stored trials, exactly
 * as a restarted Python process would.
 */
import { lastStep } from '../trial/frozen.ts';
import { EngineError, TrialState, type FrozenTrial } from '../types.ts';
import type { Pruner, PrunerStudy } from './pruner.ts';

export interface SuccessiveHalvingOptions {
  minResource?: number | 'auto';
  reductionFactor?: number;
  minEarlyStoppingRate?: number;
  bootstrapCount?: number;
}

export const completedRungKey = (rung: number): string => `completed_rung_${rung}`;

export function currentRung(t: FrozenTrial): number {
  let rung = 0;
  while (completedRungKey(rung) in t.systemAttrs) rung++;
  return rung;
}

export function estimateMinResource(trials: readonly FrozenTrial[]): number | null {
  let longest: number | null = null;
  for (const t of trials) {
    if (t.state !== TrialState.COMPLETE) continue;
    const s = lastStep(t);
    if (s !== null && (longest === null || s > longest)) longest = s;
  }
  return longest === null ? null : Math.max(Math.floor(longest / 100), 1);
}

/** `_is_trial_promotable_to_next_rung`. */
export function isPromotable(value: number, competing: number[], reductionFactor: number, maximize: boolean): boolean {
  let idx = Math.floor(competing.length / reductionFactor) - 1;
  // Optuna cannot suspend trials, so while fewer than η values exist only the best one continues.
  if (idx === -1) idx = 0;
  const sorted = [...competing].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return maximize ? value >= (sorted[sorted.length - 1 - idx] as number) : value <= (sorted[idx] as number);
}

export class SuccessiveHalvingPruner implements Pruner {
  private readonly minResource: number | 'auto';
  private readonly reductionFactor: number;
  private readonly minEarlyStoppingRate: number;
  private readonly bootstrapCount: number;
  private autoMinResource: number | null = null;

  constructor(opts: SuccessiveHalvingOptions = {}) {
    this.minResource = opts.minResource ?? 'auto';
    this.reductionFactor = opts.reductionFactor ?? 4;
    this.minEarlyStoppingRate = opts.minEarlyStoppingRate ?? 0;
    this.bootstrapCount = opts.bootstrapCount ?? 0;
    const bad = (m: string): never => {
      throw new EngineError('invalid-argument', m);
    };
    const r = this.minResource;
    if (typeof r === 'string' && r !== 'auto')
      bad(`The value of \`min_resource\` is ${r}, but must be either \`min_resource\` >= 1 or 'auto'`);
    if (typeof r === 'number' && !(Number.isInteger(r) && r >= 1))
      bad(`The value of \`min_resource\` is ${r}, but must be either \`min_resource >= 1\` or 'auto'`);
    if (!(this.reductionFactor >= 2))
      bad(`The value of \`reduction_factor\` is ${this.reductionFactor}, but must be \`reduction_factor >= 2\``);
    if (!(this.minEarlyStoppingRate >= 0))
      bad(
        `The value of \`min_early_stopping_rate\` is ${this.minEarlyStoppingRate}, but must be \`min_early_stopping_rate >= 0\``,
      );
    if (!(this.bootstrapCount >= 0))
      bad(`The value of \`bootstrap_count\` is ${this.bootstrapCount}, but must be \`bootstrap_count >= 0\``);
    if (this.bootstrapCount > 0 && r === 'auto') {
      bad(
        `bootstrap_count > 0 and min_resource == 'auto' are mutually incompatible, bootstrap_count is ${this.bootstrapCount}`,
      );
    }
  }

  async prune(study: PrunerStudy, trial: FrozenTrial): Promise<boolean> {
    const step = lastStep(trial);
    if (step === null) return false;
    let rung = currentRung(trial);
    const value = trial.intermediateValues.get(step) as number;
    let trials: readonly FrozenTrial[] | null = null;
    let minResource: number;
    if (this.minResource === 'auto') {
      if (this.autoMinResource === null) {
        trials = await study.getTrials();
        this.autoMinResource = estimateMinResource(trials);
        if (this.autoMinResource === null) return false;
      }
      minResource = this.autoMinResource;
    } else {
      minResource = this.minResource;
    }
    const maximize = study.direction === 'maximize';
    for (;;) {
      const promotionStep = minResource * this.reductionFactor ** (this.minEarlyStoppingRate + rung);
      if (step < promotionStep) return false;
      if (Number.isNaN(value)) return true;
      trials ??= await study.getTrials();
      const key = completedRungKey(rung);
      await study.setTrialSystemAttr(trial.trialId, key, value);
      // `trials` was read before this write, so the trial's own value is added by hand.
      const competing: number[] = [];
      for (const t of trials) {
        const v = t.systemAttrs[key];
        if (typeof v === 'number') competing.push(v);
      }
      competing.push(value);
      if (competing.length <= this.bootstrapCount) return true;
      if (!isPromotable(value, competing, this.reductionFactor, maximize)) return true;
      rung++;
    }
  }
}
