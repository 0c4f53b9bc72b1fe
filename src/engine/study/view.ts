/**
 * The study view handed to samplers and pruners. Optuna's samplers read the history through
 * `study._get_trials(use_cache=True)`, which reads the storage once per trial; `cached` views do the
 * same (the cache lives as long as the view, i.e. one trial). Pruners get an uncached view: they must
 * see the latest reports of other trials.
 */
import type { PrunerStudy } from '../pruners/pruner.ts';
import type { DirectionName } from '../samplers/sampler.ts';
import type { Storage } from '../storages/storage.ts';
import { EngineError, type FrozenTrial, type JsonValue, type TrialState } from '../types.ts';

export interface StudyHandle {
  readonly studyId: number;
  readonly directions: readonly DirectionName[];
  readonly storage: Storage;
}

/** `Study.direction`: the one direction, or Optuna's RuntimeError for a multi-objective study. */
export function singleDirection(directions: readonly DirectionName[]): DirectionName {
  if (directions.length !== 1) {
    throw new EngineError(
      'multi-objective',
      'A single direction cannot be retrieved from a multi-objective study. Consider using Study.directions to retrieve a list containing all directions.',
    );
  }
  return directions[0] as DirectionName;
}

export class StudyView implements PrunerStudy {
  private all: Promise<FrozenTrial[]> | null = null;
  private readonly byStates = new Map<string, readonly FrozenTrial[]>();

  constructor(
    private readonly handle: StudyHandle,
    private readonly cached: boolean,
  ) {}

  get studyId(): number {
    return this.handle.studyId;
  }

  get directions(): readonly DirectionName[] {
    return this.handle.directions;
  }

  get direction(): DirectionName {
    return singleDirection(this.handle.directions);
  }

  async getTrials(states?: readonly TrialState[]): Promise<readonly FrozenTrial[]> {
    if (!this.cached) return this.handle.storage.getAllTrials(this.handle.studyId, states);
    this.all ??= this.handle.storage.getAllTrials(this.handle.studyId);
    const all = await this.all;
    if (states === undefined) return all;
    const key = [...states].sort().join(',');
    let hit = this.byStates.get(key);
    if (hit === undefined) {
      hit = all.filter((t) => states.includes(t.state));
      this.byStates.set(key, hit);
    }
    return hit;
  }

  async setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    await this.handle.storage.setTrialSystemAttr(trialId, key, value);
  }

  getStudySystemAttrs(): Promise<Record<string, JsonValue>> {
    return this.handle.storage.getStudySystemAttrs(this.handle.studyId);
  }

  async setStudySystemAttr(key: string, value: JsonValue): Promise<void> {
    await this.handle.storage.setStudySystemAttr(this.handle.studyId, key, value);
  }
}
