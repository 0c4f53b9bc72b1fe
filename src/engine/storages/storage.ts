/**
 * The storage port (optuna/storages/_base.py, async because IndexedDB is). Every implementation —
 * in-memory, journal over an in-memory log, journal over IndexedDB, journal over a Node file — passes
 * the one conformance suite in test/conformance/storage-conformance.ts.
 *
 * Invariants (as Optuna's BaseStorage documents them):
 * - returned FrozenTrial / StudySummary objects are snapshots, never mutated afterwards;
 * - a finished trial (COMPLETE, PRUNED, FAIL) cannot be modified: attempts throw EngineError('trial-finished');
 * - trial numbers are 0.. within a study in creation order; trial ids are unique across the storage;
 * - unknown study/trial ids throw EngineError('not-found'); a duplicate study name throws EngineError('duplicate').
 */
import type {
  Distribution,
  FrozenTrial,
  JsonValue,
  StudyDirection,
  StudySummary,
  TrialState,
  TrialTemplate,
} from '../types.ts';

export interface Storage {
  createNewStudy(directions: readonly StudyDirection[], studyName: string): Promise<number>;
  deleteStudy(studyId: number): Promise<void>;
  setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void>;
  setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void>;
  getStudyIdFromName(studyName: string): Promise<number>;
  getStudyNameFromId(studyId: number): Promise<string>;
  getStudyDirections(studyId: number): Promise<StudyDirection[]>;
  getStudyUserAttrs(studyId: number): Promise<Record<string, JsonValue>>;
  getStudySystemAttrs(studyId: number): Promise<Record<string, JsonValue>>;
  getAllStudies(): Promise<StudySummary[]>;

  /** Returns the new trial's id. Without a template the trial is RUNNING with datetimeStart = now. */
  createNewTrial(studyId: number, template?: TrialTemplate): Promise<number>;
  /** Stores the internal representation; checks compatibility with earlier trials of the study. */
  setTrialParam(trialId: number, paramName: string, internalValue: number, distribution: Distribution): Promise<void>;
  getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): Promise<number>;
  /**
   * Returns false (and changes nothing) when asked to move a trial to RUNNING that is already RUNNING
   * (another worker popped the same WAITING trial first), mirroring Optuna.
   */
  setTrialStateValues(trialId: number, state: TrialState, values?: readonly number[] | null): Promise<boolean>;
  setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void>;
  setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  getTrial(trialId: number): Promise<FrozenTrial>;
  getAllTrials(studyId: number, states?: readonly TrialState[]): Promise<FrozenTrial[]>;

  /** Releases handles (file descriptors, IndexedDB connections). */
  close(): Promise<void>;
}
