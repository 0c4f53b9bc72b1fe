/**
 * The study view handed to samplers and pruners. Optuna's samplers read the history through
 * `study._get_trials(use_cache=True)`, which reads the storage once per trial; `cached` views do the
 * same (the cache lives as long as the view, i.e. one trial). Pruners get an uncached view: they must
 * see the latest reports of other trials.
 */
import type { PrunerStudy } from '../pruners/pruner.ts';
import type { DirectionName } from '../samplers/sampler.ts';
import type { Storage } from '../storages/storage.ts';
import type { FrozenTrial, JsonValue, TrialState } from '../types.ts';

export interface StudyHandle {
  readonly studyId: number;
  readonly direction: DirectionName;
  readonly storage: Storage;
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

  get direction(): DirectionName {
    return this.handle.direction;
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
}
