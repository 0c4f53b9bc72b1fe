/**
 * The study library in IndexedDB: a catalog of studies (list, rename, duplicate, delete) and one
 * Optuna journal per study (idb-journal-backend.ts), replayed by a JournalStorage per study. Each study
 * journal is a valid Optuna journal on its own (its study has id 0), so exporting one is a copy.
 *
 * Ids: study ids come from a counter in `meta` and are never reused; a trial id is
 * studyId × 1,000,000 + the trial's id in its study journal (unique across the library, stable
 * across reloads; at most a million trials per study).
 *
 * Crash recovery: a trial left RUNNING by a page that closed or crashed is "stale". Each open storage
 * holds a Web Lock named after its worker id for its lifetime, so a RUNNING trial whose owner's lock is
 * not held belongs to nobody. Without Web Locks every RUNNING trial not started by this handle counts.
 */
import {
  type BulkImporter,
  compactOps,
  type Distribution,
  EngineError,
  type FrozenTrial,
  journalNow,
  type JournalOp,
  type JournalOpSource,
  JournalStorage,
  type JsonValue,
  newWorkerId,
  recordFailReason,
  snapshotStudy,
  type Storage,
  type StudyDirection,
  type StudySnapshot,
  type StudySummary,
  TrialState,
  type TrialTemplate,
} from '../engine/index.ts';
import { holdWorkerLock, journalLockName, liveWorkers, webLocks } from './idb-locks.ts';
import {
  IdbJournalBackend,
  deletedError,
  opRange,
  openStudyDb,
  runTx,
  type CatalogEntry,
  type Db,
} from './idb-journal-backend.ts';

export const DEFAULT_DB_NAME = 'dmc-tune-studies';
const TRIALS_PER_STUDY = 1_000_000;

export class IdbStorage implements Storage, BulkImporter, JournalOpSource {
  readonly workerId = newWorkerId();
  private readonly handles = new Map<number, JournalStorage>();
  private readonly globalSnapshots = new WeakMap<FrozenTrial, FrozenTrial>();
  private releaseAlive: (() => void) | null = null;

  private constructor(
    private readonly db: Db,
    readonly dbName: string,
    private readonly locks: LockManager | null,
  ) {}

  /** Opens (creating or upgrading) the library database. */
  static async open(dbName = DEFAULT_DB_NAME): Promise<IdbStorage> {
    const db = await openStudyDb(dbName);
    const s = new IdbStorage(db, dbName, webLocks());
    if (s.locks !== null) s.releaseAlive = await holdWorkerLock(s.locks, s.workerId);
    return s;
  }

  private handle(studyId: number): JournalStorage {
    if (!Number.isSafeInteger(studyId) || studyId < 0)
      throw new EngineError('not-found', `study ${studyId} does not exist`);
    let h = this.handles.get(studyId);
    if (h === undefined) {
      const backend = new IdbJournalBackend(this.db, studyId, this.locks, journalLockName(this.dbName, studyId));
      h = new JournalStorage(backend, { workerId: this.workerId });
      this.handles.set(studyId, h);
    }
    return h;
  }

  private split(trialId: number): [JournalStorage, number] {
    if (!Number.isSafeInteger(trialId) || trialId < 0)
      throw new EngineError('not-found', `trial ${trialId} does not exist`);
    return [this.handle(Math.floor(trialId / TRIALS_PER_STUDY)), trialId % TRIALS_PER_STUDY];
  }

  /** Runs a per-study call, naming global ids in not-found errors. */
  private async onTrial<T>(trialId: number, fn: (h: JournalStorage, local: number) => Promise<T>): Promise<T> {
    const [h, local] = this.split(trialId);
    try {
      return await fn(h, local);
    } catch (e) {
      if (e instanceof EngineError && e.code === 'not-found' && e.message.startsWith('trial_id')) {
        throw new EngineError('not-found', `trial ${trialId} does not exist`);
      }
      throw e;
    }
  }

  private globalTrial(studyId: number, t: FrozenTrial): FrozenTrial {
    let g = this.globalSnapshots.get(t);
    if (g === undefined) {
      g = Object.freeze({ ...t, trialId: studyId * TRIALS_PER_STUDY + t.trialId });
      this.globalSnapshots.set(t, g);
    }
    return g;
  }

  private catalogEntry(studyId: number): Promise<CatalogEntry> {
    return runTx(this.db, ['catalog'], 'readonly', 'reading the study catalog', async (tx) => {
      const e = await tx.objectStore('catalog').get(studyId);
      if (e === undefined) throw deletedError(studyId);
      return e;
    });
  }

  /** Writes new studies (catalog entries + journals) in one transaction; all or none. */
  importStudies(studies: readonly StudySnapshot[]): Promise<number[]> {
    const action = studies.length === 1 ? `saving study "${studies[0]!.name}"` : `importing ${studies.length} studies`;
    return runTx(
      this.db,
      ['catalog', 'ops', 'meta'],
      'readwrite',
      action,
      async (tx) => {
        const catalog = tx.objectStore('catalog');
        const ids: number[] = [];
        let next = (await tx.objectStore('meta').get('nextStudyId')) ?? 0;
        for (const st of studies) {
          if (
            (await catalog.index('name').getKey(st.name)) !== undefined ||
            studies.filter((x) => x.name === st.name).length > 1
          ) {
            throw new EngineError('duplicate', `Another study with name '${st.name}' already exists.`);
          }
          const studyId = next++;
          await catalog.add({ studyId, name: st.name, directions: [...st.directions], createdAt: journalNow() });
          const ops = compactOps(st, 0, this.workerId, () => journalNow());
          const store = tx.objectStore('ops');
          for (const [seq, op] of ops.entries()) await store.add({ studyId, seq, op });
          ids.push(studyId);
        }
        await tx.objectStore('meta').put(next, 'nextStudyId');
        return ids;
      },
      'strict',
    );
  }

  async createNewStudy(directions: readonly StudyDirection[], studyName: string): Promise<number> {
    if (directions.length === 0) throw new EngineError('invalid-argument', 'directions must not be empty');
    const [id] = await this.importStudies([
      { name: studyName, directions, userAttrs: {}, systemAttrs: {}, trials: [] },
    ]);
    return id!;
  }

  /** Removes the study from the catalog and its journal, atomically; other tabs then get 'not-found'. */
  async deleteStudy(studyId: number): Promise<void> {
    await runTx(this.db, ['catalog', 'ops'], 'readwrite', `deleting study ${studyId}`, async (tx) => {
      if ((await tx.objectStore('catalog').get(studyId)) === undefined) throw deletedError(studyId);
      await tx.objectStore('catalog').delete(studyId);
      await tx.objectStore('ops').delete(opRange(studyId));
    });
    this.handles.delete(studyId);
  }

  /** Renames a study in the library (exports use the new name). */
  async renameStudy(studyId: number, newName: string): Promise<void> {
    await runTx(this.db, ['catalog'], 'readwrite', `renaming study ${studyId}`, async (tx) => {
      const store = tx.objectStore('catalog');
      const e = await store.get(studyId);
      if (e === undefined) throw deletedError(studyId);
      const other = await store.index('name').getKey(newName);
      if (other !== undefined && other !== studyId) {
        throw new EngineError('duplicate', `Another study with name '${newName}' already exists.`);
      }
      await store.put({ ...e, name: newName });
    });
  }

  /** Copies a study (attributes and every trial, in any state) under a new name; returns its id. */
  async duplicateStudy(studyId: number, newName: string): Promise<number> {
    const snap = await snapshotStudy(this, studyId);
    const [id] = await this.importStudies([{ ...snap, name: newName }]);
    return id!;
  }

  setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    return this.handle(studyId).setStudyUserAttr(0, key, value);
  }

  setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    return this.handle(studyId).setStudySystemAttr(0, key, value);
  }

  getStudyIdFromName(studyName: string): Promise<number> {
    return runTx(this.db, ['catalog'], 'readonly', 'reading the study catalog', async (tx) => {
      const id = await tx.objectStore('catalog').index('name').getKey(studyName);
      if (id === undefined) throw new EngineError('not-found', `no study named '${studyName}'`);
      return id;
    });
  }

  async getStudyNameFromId(studyId: number): Promise<string> {
    return (await this.catalogEntry(studyId)).name;
  }

  getStudyDirections(studyId: number): Promise<StudyDirection[]> {
    return this.handle(studyId).getStudyDirections(0);
  }

  getStudyUserAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return this.handle(studyId).getStudyUserAttrs(0);
  }

  getStudySystemAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return this.handle(studyId).getStudySystemAttrs(0);
  }

  async getAllStudies(): Promise<StudySummary[]> {
    const entries = await runTx(this.db, ['catalog'], 'readonly', 'listing studies', (tx) =>
      tx.objectStore('catalog').getAll(),
    );
    const out: StudySummary[] = [];
    for (const e of entries) {
      let summary: StudySummary | undefined;
      try {
        summary = (await this.handle(e.studyId).getAllStudies())[0];
      } catch (err) {
        if (err instanceof EngineError && err.code === 'not-found') continue; // deleted meanwhile
        throw err;
      }
      if (summary !== undefined) out.push(Object.freeze({ ...summary, studyId: e.studyId, studyName: e.name }));
    }
    return out;
  }

  async createNewTrial(studyId: number, template?: TrialTemplate): Promise<number> {
    const local = await this.handle(studyId).createNewTrial(0, template);
    if (local >= TRIALS_PER_STUDY)
      throw new EngineError('storage', `study ${studyId} has more than ${TRIALS_PER_STUDY} trials`);
    return studyId * TRIALS_PER_STUDY + local;
  }

  setTrialParam(trialId: number, paramName: string, internalValue: number, distribution: Distribution): Promise<void> {
    return this.onTrial(trialId, (h, t) => h.setTrialParam(t, paramName, internalValue, distribution));
  }

  async getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): Promise<number> {
    try {
      return studyId * TRIALS_PER_STUDY + (await this.handle(studyId).getTrialIdFromStudyIdTrialNumber(0, trialNumber));
    } catch (e) {
      if (e instanceof EngineError && e.code === 'not-found' && e.message.startsWith('No trial')) {
        throw new EngineError(
          'not-found',
          `No trial with trial number ${trialNumber} exists in study with study_id ${studyId}.`,
        );
      }
      throw e;
    }
  }

  setTrialStateValues(trialId: number, state: TrialState, values?: readonly number[] | null): Promise<boolean> {
    return this.onTrial(trialId, (h, t) => h.setTrialStateValues(t, state, values));
  }

  setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    return this.onTrial(trialId, (h, t) => h.setTrialIntermediateValue(t, step, value));
  }

  setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    return this.onTrial(trialId, (h, t) => h.setTrialUserAttr(t, key, value));
  }

  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    return this.onTrial(trialId, (h, t) => h.setTrialSystemAttr(t, key, value));
  }

  getTrial(trialId: number): Promise<FrozenTrial> {
    const studyId = Math.floor(trialId / TRIALS_PER_STUDY);
    return this.onTrial(trialId, async (h, t) => this.globalTrial(studyId, await h.getTrial(t)));
  }

  async getAllTrials(studyId: number, states?: readonly TrialState[]): Promise<FrozenTrial[]> {
    return (await this.handle(studyId).getAllTrials(0, states)).map((t) => this.globalTrial(studyId, t));
  }

  getTrialParamsInternal(trialId: number): Promise<Record<string, number>> {
    return this.onTrial(trialId, (h, t) => h.getTrialParamsInternal(t));
  }

  async journalFor(studyId: number): Promise<{ ops: JournalOp[]; journalStudyId: number; studyName: string }> {
    const [j, name] = await Promise.all([this.handle(studyId).journalFor(0), this.getStudyNameFromId(studyId)]);
    return { ops: j.ops, journalStudyId: 0, studyName: name };
  }

  /**
   * RUNNING trials nobody is running any more: their owner (the tab that started them) is not alive
   * (its Web Lock is not held) — or, without Web Locks, is not this handle.
   */
  async staleRunningTrials(studyId: number): Promise<FrozenTrial[]> {
    const running = await this.handle(studyId).runningTrials(0);
    const alive = this.locks === null ? new Set<string>() : await liveWorkers(this.locks);
    alive.add(this.workerId);
    return running
      .filter((r) => r.owner === null || !alive.has(r.owner))
      .map((r) => this.globalTrial(studyId, r.trial));
  }

  /** Marks the stale RUNNING trials FAIL (with their reason recorded); returns their numbers. */
  async failStaleTrials(studyId: number): Promise<number[]> {
    const failed: number[] = [];
    for (const t of await this.staleRunningTrials(studyId)) {
      try {
        await recordFailReason(
          this,
          studyId,
          t.number,
          'stale: still RUNNING when the study was reopened (its tab closed or crashed)',
        );
        await this.setTrialStateValues(t.trialId, TrialState.FAIL);
        failed.push(t.number);
      } catch (e) {
        if (!(e instanceof EngineError && e.code === 'trial-finished')) throw e;
      }
    }
    return failed;
  }

  async close(): Promise<void> {
    for (const h of this.handles.values()) await h.close();
    this.handles.clear();
    this.releaseAlive?.();
    this.releaseAlive = null;
    this.db.close();
  }
}

/** Opens the study library (default database "dmc-tune-studies"). */
export function openIdbStorage(dbName?: string): Promise<IdbStorage> {
  return IdbStorage.open(dbName);
}
