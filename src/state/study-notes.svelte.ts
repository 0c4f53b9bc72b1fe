/**
 * Markdown notes of the study shown in Results and of its trials, kept where optuna-dashboard 0.21 keeps
 * them (the study's system attrs, engine/study/dashboard-notes.ts), so they travel with the study's
 * journal both ways. A save names the version its editor started from: if the note was saved in
 * between (another tab, or optuna-dashboard on an imported journal), it is refused and the stored
 * note is shown, as optuna-dashboard does.
 */
import {
  noteFromSystemAttrs,
  NoteConflictError,
  saveDashboardNote,
  type FrozenTrial,
  type JsonValue,
  type Storage,
} from '../engine/index.ts';
import { errorMessage } from '../shared/index.ts';

export interface Note {
  readonly version: number;
  readonly body: string;
}

/** A save's outcome: null when saved, else the sentence to show (and the note as now stored on conflict). */
export type NoteSaveProblem = { readonly message: string; readonly current: Note | null } | null;

const NONE: Note = { version: 0, body: '' };

export class StudyNotes {
  #studyId = $state<number | null>(null);
  #attrs = $state.raw<Readonly<Record<string, JsonValue>>>({});
  /** Trial number → the storage's trial id, which keys a trial's note. */
  #ids = $state.raw<Readonly<Record<number, number>>>({});
  /** The trial whose note is open in Results (chosen in the trials table). */
  #open = $state<number | null>(null);

  constructor(private readonly storage: Pick<Storage, 'getStudySystemAttrs' | 'setStudySystemAttr'>) {}

  /** Takes the notes of a (re)loaded study from the system attrs the loader read anyway. */
  read(studyId: number, attrs: Readonly<Record<string, JsonValue>>, trials: readonly FrozenTrial[]): void {
    if (studyId !== this.#studyId) this.#open = null;
    this.#studyId = studyId;
    this.#attrs = attrs;
    this.#ids = Object.fromEntries(trials.map((t) => [t.number, t.trialId]));
  }

  get study(): Note {
    return noteFromSystemAttrs(this.#attrs, null) ?? NONE;
  }
  trial(number: number): Note {
    const id = this.#ids[number];
    return (id === undefined ? null : noteFromSystemAttrs(this.#attrs, id)) ?? NONE;
  }
  /** Numbers of the trials with a non-empty note. */
  get trialsWithNotes(): readonly number[] {
    return Object.keys(this.#ids)
      .map(Number)
      .filter((n) => this.trial(n).body !== '');
  }
  get open(): number | null {
    return this.#open;
  }
  openTrial(number: number | null): void {
    this.#open = number;
  }

  /** Saves the study's note (trial null) or a trial's, from an editor that read `baseVersion`. */
  async save(trial: number | null, body: string, baseVersion: number): Promise<NoteSaveProblem> {
    const studyId = this.#studyId;
    if (studyId === null) return { message: 'No study is open.', current: null };
    const trialId = trial === null ? null : this.#ids[trial];
    if (trialId === undefined) return { message: `This study has no trial ${trial}.`, current: null };
    let problem: NoteSaveProblem = null;
    try {
      await saveDashboardNote(this.storage, studyId, trialId, body, { baseVersion });
    } catch (e) {
      problem =
        e instanceof NoteConflictError
          ? { message: e.message, current: e.current }
          : { message: `Could not save the note: ${errorMessage(e)}`, current: null };
    }
    try {
      const attrs = await this.storage.getStudySystemAttrs(studyId);
      if (this.#studyId === studyId) this.#attrs = attrs;
    } catch {
      // The save's outcome stands; the next load reads the notes again.
    }
    return problem;
  }
}
