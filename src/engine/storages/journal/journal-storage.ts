/**
 * Storage over an Optuna journal (optuna/storages/journal/_storage.py): every write appends one op and
 * replays the log up to and including it, every read replays what others appended since. As in Optuna,
 * an own op that replay refuses raises its error, others' refused ops are skipped. Unlike Optuna, an
 * op that would certainly be refused is checked against the replayed state first and never written,
 * so a failed call leaves the journal untouched; with a locking backend that check is race-free.
 */
import {
  EngineError,
  isFinished,
  TrialState,
  type Distribution,
  type FrozenTrial,
  type JsonValue,
  type StudyDirection,
  type StudySummary,
  type TrialTemplate,
} from '../../types.ts';
import type { Storage } from '../storage.ts';
import { Mutex, type JournalBackend } from './backend.ts';
import { journalNow } from './clock.ts';
import type { JournalOp, SetTrialStateValuesOp } from './ops.ts';
import { JournalReplay, type Applied } from './replay.ts';
import { compactOps, createTrialBody, distributionJson, type BulkImporter, type StudySnapshot } from './snapshot.ts';
import type { JournalOpSource } from './transfer.ts';

let workerCounter = 0;

/**
 * A fresh worker id: random hex from getRandomValues (randomUUID needs a secure context, which a
 * page served over plain http on a LAN is not) plus a per-process counter, like Optuna's uuid + thread.
 */
export function newWorkerId(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}-${++workerCounter}`;
}

export type OpBody<T> = T extends JournalOp ? Omit<T, 'worker_id'> : never;

export interface JournalStorageOptions {
  /** Defaults to a fresh uuid; only ops carrying this id count as this storage's own. */
  readonly workerId?: string;
}

export class JournalStorage implements Storage, BulkImporter, JournalOpSource {
  readonly workerId: string;
  /** Replayed state; read-only for callers (exports use it to see internal param values). */
  readonly replay = new JournalReplay();
  private readonly mutex = new Mutex();

  constructor(
    readonly backend: JournalBackend,
    opts: JournalStorageOptions = {},
  ) {
    this.workerId = opts.workerId ?? newWorkerId();
  }

  /** Replays ops appended since the last sync; returns the outcome of the last own op among them. */
  private async sync(): Promise<Applied | undefined> {
    const ops = await this.backend.readLogs(this.replay.opsRead);
    let own: Applied | undefined;
    for (const op of ops) {
      const o = this.replay.apply(op);
      if (op.worker_id === this.workerId) own = o;
    }
    return own;
  }

  private read<T>(fn: () => T): Promise<T> {
    return this.mutex.run(async () => {
      await this.sync();
      return fn();
    });
  }

  /**
   * Checks the op against the replayed state, appends it, replays through it and returns what its
   * commit returned (a new study or trial id). `alreadyRunning` refusals resolve to null.
   */
  private write(body: OpBody<JournalOp>): Promise<number | undefined | null> {
    const op = { ...body, worker_id: this.workerId } as JournalOp;
    const section = async (): Promise<number | undefined | null> => {
      await this.sync();
      const pre = this.replay.plan(op);
      if (!pre.ok) {
        if (pre.alreadyRunning) return null;
        throw pre.error;
      }
      await this.backend.appendLogs([op]);
      const own = await this.sync();
      if (own === undefined) throw new EngineError('storage', 'the journal backend lost an appended op');
      if (!own.ok) {
        if (own.alreadyRunning) return null;
        throw own.error;
      }
      return own.result;
    };
    return this.mutex.run(() => (this.backend.withLock ? this.backend.withLock(section) : section()));
  }

  private study(studyId: number) {
    const s = this.replay.studies.get(studyId);
    if (s === undefined) throw new EngineError('not-found', `study_id ${studyId} does not exist`);
    return s;
  }

  private trial(trialId: number) {
    const t = this.replay.trials[trialId];
    if (t === undefined) throw new EngineError('not-found', `trial_id ${trialId} does not exist`);
    return t;
  }

  private nowFor(studyId: number): string {
    return journalNow(this.replay.studies.get(studyId)?.aware === true);
  }

  async createNewStudy(directions: readonly StudyDirection[], studyName: string): Promise<number> {
    if (directions.length === 0) throw new EngineError('invalid-argument', 'directions must not be empty');
    const id = await this.write({ op_code: 0, study_name: studyName, directions: [...directions] });
    return id as number;
  }

  async deleteStudy(studyId: number): Promise<void> {
    await this.write({ op_code: 1, study_id: studyId });
  }

  async setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    await this.write({ op_code: 2, study_id: studyId, user_attr: { [key]: value } });
  }

  async setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    await this.write({ op_code: 3, study_id: studyId, system_attr: { [key]: value } });
  }

  getStudyIdFromName(studyName: string): Promise<number> {
    return this.read(() => {
      const s = this.replay.studyByName(studyName);
      if (s === undefined) throw new EngineError('not-found', `no study named '${studyName}'`);
      return s.studyId;
    });
  }

  getStudyNameFromId(studyId: number): Promise<string> {
    return this.read(() => this.study(studyId).name);
  }

  getStudyDirections(studyId: number): Promise<StudyDirection[]> {
    return this.read(() => [...this.study(studyId).directions]);
  }

  getStudyUserAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return this.read(() => ({ ...this.study(studyId).userAttrs }));
  }

  getStudySystemAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return this.read(() => ({ ...this.study(studyId).systemAttrs }));
  }

  getAllStudies(): Promise<StudySummary[]> {
    return this.read(() =>
      [...this.replay.studies.values()]
        .sort((a, b) => a.studyId - b.studyId)
        .map((s) => {
          let start: string | null = null;
          for (const id of s.trialIds) {
            const d = this.replay.trials[id]?.frozen.datetimeStart ?? null;
            if (d !== null && (start === null || d < start)) start = d;
          }
          return Object.freeze({
            studyId: s.studyId,
            studyName: s.name,
            directions: s.directions,
            userAttrs: s.userAttrs,
            systemAttrs: s.systemAttrs,
            nTrials: s.trialIds.length,
            datetimeStart: start,
          });
        }),
    );
  }

  async createNewTrial(studyId: number, template?: TrialTemplate): Promise<number> {
    const id = await this.write(createTrialBody(studyId, template, () => this.nowFor(studyId)));
    return id as number;
  }

  async setTrialParam(
    trialId: number,
    paramName: string,
    internalValue: number,
    distribution: Distribution,
  ): Promise<void> {
    await this.write({
      op_code: 5,
      trial_id: trialId,
      param_name: paramName,
      param_value_internal: internalValue,
      distribution: distributionJson(distribution),
    });
  }

  getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): Promise<number> {
    return this.read(() => {
      const id = this.study(studyId).trialIds[trialNumber];
      if (id === undefined) {
        throw new EngineError(
          'not-found',
          `No trial with trial number ${trialNumber} exists in study with study_id ${studyId}.`,
        );
      }
      return id;
    });
  }

  async setTrialStateValues(trialId: number, state: TrialState, values?: readonly number[] | null): Promise<boolean> {
    const studyId = this.replay.trials[trialId]?.studyId ?? -1;
    const v = values === undefined || values === null ? null : [...values];
    const body: OpBody<SetTrialStateValuesOp> =
      state === TrialState.RUNNING
        ? { op_code: 6, trial_id: trialId, state, values: v, datetime_start: this.nowFor(studyId) }
        : isFinished(state)
          ? { op_code: 6, trial_id: trialId, state, values: v, datetime_complete: this.nowFor(studyId) }
          : { op_code: 6, trial_id: trialId, state, values: v };
    return (await this.write(body)) !== null;
  }

  async setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new EngineError('invalid-argument', `step must be an integer >= 0, got ${step}`);
    }
    await this.write({ op_code: 7, trial_id: trialId, step, intermediate_value: value });
  }

  async setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    await this.write({ op_code: 8, trial_id: trialId, user_attr: { [key]: value } });
  }

  async setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    await this.write({ op_code: 9, trial_id: trialId, system_attr: { [key]: value } });
  }

  getTrial(trialId: number): Promise<FrozenTrial> {
    return this.read(() => this.trial(trialId).frozen);
  }

  getAllTrials(studyId: number, states?: readonly TrialState[]): Promise<FrozenTrial[]> {
    return this.read(() => {
      const out: FrozenTrial[] = [];
      for (const id of this.study(studyId).trialIds) {
        const t = this.replay.trials[id]!.frozen;
        if (states === undefined || states.includes(t.state)) out.push(t);
      }
      return out;
    });
  }

  /** Internal parameter values of a trial as stored (exports write these verbatim). */
  getTrialParamsInternal(trialId: number): Promise<Record<string, number>> {
    return this.read(() => ({ ...this.trial(trialId).paramsInternal }));
  }

  /** RUNNING trials of a study with the worker that started them (crash recovery). */
  runningTrials(studyId: number): Promise<{ trial: FrozenTrial; owner: string | null }[]> {
    return this.read(() =>
      this.study(studyId)
        .trialIds.map((id) => this.replay.trials[id]!)
        .filter((t) => t.frozen.state === TrialState.RUNNING)
        .map((t) => ({ trial: t.frozen, owner: t.owner })),
    );
  }

  /** The whole op log with this study's id in it (for full exports). */
  journalFor(studyId: number): Promise<{ ops: JournalOp[]; journalStudyId: number; studyName: string }> {
    return this.mutex.run(async () => {
      await this.sync();
      const studyName = this.study(studyId).name;
      return { ops: await this.backend.readLogs(0), journalStudyId: studyId, studyName };
    });
  }

  /**
   * Appends whole studies (compact form) in one batch under the backend lock: either every study
   * lands or, on a name clash, none does (import is all-or-nothing).
   */
  importStudies(studies: readonly StudySnapshot[]): Promise<number[]> {
    const section = async (): Promise<number[]> => {
      await this.sync();
      const names = new Set<string>();
      for (const st of studies) {
        if (this.replay.studyByName(st.name) !== undefined || names.has(st.name)) {
          throw new EngineError('duplicate', `Another study with name '${st.name}' already exists.`);
        }
        names.add(st.name);
      }
      const first = this.replay.nextStudyId;
      const ops = studies.flatMap((st, i) => compactOps(st, first + i, this.workerId, () => journalNow(false)));
      await this.backend.appendLogs(ops);
      const ids: number[] = [];
      const read = await this.backend.readLogs(this.replay.opsRead);
      for (const op of read) {
        const o = this.replay.apply(op);
        if (op.worker_id !== this.workerId) continue;
        if (!o.ok) throw o.error;
        if (op.op_code === 0) ids.push(o.result as number);
      }
      if (ids.length !== studies.length || ids.some((id, i) => id !== first + i)) {
        throw new EngineError(
          'storage',
          'another writer appended during the import; the journal has no lock to prevent it',
        );
      }
      return ids;
    };
    return this.mutex.run(() => (this.backend.withLock ? this.backend.withLock(section) : section()));
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => this.backend.close?.());
  }
}
