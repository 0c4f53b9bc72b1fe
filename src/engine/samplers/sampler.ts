/**
 * The Sampler port (optuna/samplers/_base.py). A study calls, per trial: `beforeTrial`, then
 * `inferRelativeSearchSpace`; at the first suggest that is not fixed or single-valued,
 * `sampleRelative` (joint sampling over that space); `sampleIndependent` for every other parameter;
 * and `afterTrial` when the trial is told. Samplers see the study only through the narrow,
 * read-only `SamplerStudy` view: whatever they need must be derivable from the stored trials, so a
 * sampler works the same on a study reloaded from storage as on the live one.
 */
import type { Distribution, FrozenTrial, JsonValue, ParamValue, TrialState } from '../types.ts';

export type DirectionName = 'minimize' | 'maximize';

/** Read-only history access handed to samplers. */
export interface SamplerStudy {
  readonly studyId: number;
  /** One entry per objective. */
  readonly directions: readonly DirectionName[];
  /** The single objective's direction; throws (EngineError 'multi-objective') in a multi-objective study. */
  readonly direction: DirectionName;
  /**
   * Trials of the study in number order, optionally filtered by state. Within one trial the
   * result may be a snapshot taken at the first call (Optuna's `use_cache=True`).
   */
  getTrials(states?: readonly TrialState[]): Promise<readonly FrozenTrial[]>;
  /**
   * Writes for samplers that keep their bookkeeping in the storage as Optuna's do (NSGA-II: a trial's
   * generation, a generation's parents), so that it travels with the journal. The study's own view
   * has them; a hand-made view may leave them out when its sampler needs none.
   */
  setTrialSystemAttr?(trialId: number, key: string, value: JsonValue): Promise<void>;
  getStudySystemAttrs?(): Promise<Record<string, JsonValue>>;
  setStudySystemAttr?(key: string, value: JsonValue): Promise<void>;
}

export interface Sampler {
  /** Parameters to be sampled jointly in `trial`; {} for purely independent samplers. */
  inferRelativeSearchSpace(study: SamplerStudy, trial: FrozenTrial): Promise<Record<string, Distribution>>;
  /** External values for (a subset of) `searchSpace`; {} to fall back on independent sampling. */
  sampleRelative(
    study: SamplerStudy,
    trial: FrozenTrial,
    searchSpace: Readonly<Record<string, Distribution>>,
  ): Promise<Record<string, ParamValue>>;
  /** External value for one parameter. */
  sampleIndependent(
    study: SamplerStudy,
    trial: FrozenTrial,
    paramName: string,
    distribution: Distribution,
  ): Promise<ParamValue>;
  beforeTrial?(study: SamplerStudy, trial: FrozenTrial): Promise<void>;
  afterTrial?(
    study: SamplerStudy,
    trial: FrozenTrial,
    state: TrialState,
    values: readonly number[] | null,
  ): Promise<void>;
}
