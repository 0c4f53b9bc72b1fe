/**
 * The Pruner port (optuna/pruners/_base.py): one decision per `Trial.shouldPrune()` call. The trial
 * snapshot passed in is fresh from storage (it includes the system attributes that pruners such as
 * successive halving write through `setTrialSystemAttr`).
 */
import type { SamplerStudy } from '../samplers/sampler.ts';
import type { FrozenTrial, JsonValue } from '../types.ts';

/** History access for pruners: read plus writing a trial's system attributes. */
export interface PrunerStudy extends SamplerStudy {
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
}

export interface Pruner {
  prune(study: PrunerStudy, trial: FrozenTrial): Promise<boolean>;
}
