/**
 * The Compare view's data: two or more studies of the library, loaded side by side for Optuna's
 * multi-study plots (optimization history and EDF, src/plots). What cannot be compared is said in a
 * sentence instead of drawn: fewer than two studies, a study that is missing, multi-objective, or of
 * another direction than the rest, and studies without a completed trial (left out of the plots,
 * named in a note, as long as one study remains).
 */
import { type Storage, StudyDirection, type StudySummary, TrialState, withFailReasons } from '../engine/index.ts';
import type { StudyTrials } from '../plots/index.ts';
import { errorMessage } from '../shared/index.ts';

export type CompareState =
  | { status: 'idle' }
  | { status: 'loading' }
  /** Nothing can be drawn: `reason` says why. */
  | { status: 'refused'; reason: string }
  /** `studies` are drawn; `note` names the studies left out, if any. */
  | { status: 'ready'; studies: StudyTrials[]; note: string | null };

export class StudyCompare {
  #state = $state.raw<CompareState>({ status: 'idle' });
  #ids: readonly number[] = [];
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  get state(): CompareState {
    return this.#state;
  }

  /** Loads the studies (again); a later call wins over an earlier one still loading. */
  async load(ids: readonly number[]): Promise<void> {
    this.#ids = ids;
    const unique = ids.filter((id, k) => ids.indexOf(id) === k);
    if (unique.length < 2) {
      this.#state = { status: 'refused', reason: 'Choose at least two different studies to compare.' };
      return;
    }
    this.#state = { status: 'loading' };
    try {
      const all = await this.#storage.getAllStudies();
      const known = (id: number): StudySummary | undefined => all.find((s) => s.studyId === id);
      const missing = unique.filter((id) => known(id) === undefined);
      if (missing.length > 0) {
        this.#finish(ids, {
          status: 'refused',
          reason: `No study with id ${missing.join(', ')} in this browser's library (deleted?).`,
        });
        return;
      }
      const summaries = unique.map((id) => known(id)!);
      const multi = summaries.filter((s) => s.directions.length !== 1);
      if (multi.length > 0) {
        this.#finish(ids, {
          status: 'refused',
          reason: `${quoted(multi.map((s) => s.studyName))} ${multi.length === 1 ? 'has' : 'have'} several objectives: the comparison plots one objective per study.`,
        });
        return;
      }
      if (summaries.some((s) => s.directions[0] !== summaries[0]!.directions[0])) {
        const by = (d: StudyDirection): string =>
          quoted(summaries.filter((s) => s.directions[0] === d).map((s) => s.studyName));
        this.#finish(ids, {
          status: 'refused',
          reason: `These studies optimize in different directions (${by(StudyDirection.MINIMIZE)} minimize, ${by(StudyDirection.MAXIMIZE)} maximize): their best values cannot be compared.`,
        });
        return;
      }
      const studies: StudyTrials[] = await Promise.all(
        summaries.map(async (s) => ({
          name: s.studyName,
          direction: s.directions[0] === StudyDirection.MAXIMIZE ? ('maximize' as const) : ('minimize' as const),
          trials: withFailReasons(await this.#storage.getAllTrials(s.studyId), s.systemAttrs),
        })),
      );
      const withComplete = studies.filter((s) => s.trials.some((t) => t.state === TrialState.COMPLETE));
      const without = studies.filter((s) => !withComplete.includes(s)).map((s) => s.name);
      if (withComplete.length === 0) {
        this.#finish(ids, { status: 'refused', reason: 'None of these studies has a completed trial yet.' });
        return;
      }
      const note =
        without.length === 0
          ? null
          : `${quoted(without)} ${without.length === 1 ? 'has' : 'have'} no completed trial yet and ${without.length === 1 ? 'is' : 'are'} left out.`;
      this.#finish(ids, { status: 'ready', studies: withComplete, note });
    } catch (e) {
      this.#finish(ids, { status: 'refused', reason: `Could not load the studies: ${errorMessage(e)}` });
    }
  }

  #finish(ids: readonly number[], state: CompareState): void {
    if (this.#ids === ids) this.#state = state;
  }
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `“${n}”`).join(', ');
}
