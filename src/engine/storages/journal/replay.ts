/**
 * Replay of journal ops into study/trial state: the rules of Optuna's JournalStorageReplayResult
 * (optuna/storages/journal/_storage.py, v3.1 = v4.9 for ops 0–9; docs/design/study-engine.md#journal-storage):
 * - study_id counts the CREATE_STUDY ops that took effect (a duplicate name is not one);
 * - trial_id counts applied CREATE_TRIAL ops across all studies; number = index within the study;
 * - CREATE_TRIAL without "state" is RUNNING; a template's "value" becomes values = [value];
 * - updates to unknown studies, unknown trials or finished trials are not applied;
 * - RUNNING → RUNNING is rejected (two workers popped the same WAITING trial; the first wins);
 * - SET_TRIAL_PARAM must agree (class, log, categorical choices) with the first trial of the study
 *   holding that parameter.
 * `plan(op)` decides without changing anything; `apply(op)` also commits. A refused op yields an
 * EngineError; the storage raises it for its own ops and skips others' ops, as Optuna does.
 * Malformed content (an invalid distribution, a categorical index out of range) throws
 * EngineError('journal-format') whoever wrote it, since Optuna cannot load it either.
 */
import { jsonToDistribution } from '../../distribution-json.ts';
import { checkDistributionCompatibility, toExternalRepr } from '../../distributions.ts';
import {
  EngineError,
  isFinished,
  TrialState,
  type Distribution,
  type FrozenTrial,
  type IsoDateTime,
  type JsonValue,
  type ParamValue,
  type StudyDirection,
} from '../../types.ts';
import { isAware } from './clock.ts';
import { rememberDistributionJson } from './snapshot.ts';
import type { CreateTrialOp, JournalOp, SetTrialParamOp, SetTrialStateValuesOp, TrialOp } from './ops.ts';
import { errorMessage } from '../../../shared/index.ts';

export interface ReplayStudy {
  readonly studyId: number;
  readonly name: string;
  readonly directions: readonly StudyDirection[];
  userAttrs: Readonly<Record<string, JsonValue>>;
  systemAttrs: Readonly<Record<string, JsonValue>>;
  readonly trialIds: number[];
  /** First param-holding trial number and distribution per name (Optuna's compatibility anchor). */
  readonly anchors: Map<string, { number: number; dist: Distribution }>;
  /** Whether the study's datetimes carry an offset (null until the first datetime is seen). */
  aware: boolean | null;
}

export interface ReplayTrial {
  readonly studyId: number;
  /** Immutable snapshot, replaced on every change. */
  frozen: FrozenTrial;
  paramsInternal: Readonly<Record<string, number>>;
  /** worker_id of the op that last made the trial RUNNING (crash recovery asks whether it is alive). */
  owner: string | null;
}

export interface Refusal {
  readonly ok: false;
  readonly error: EngineError;
  /** RUNNING → RUNNING: not an error for Storage.setTrialStateValues, which returns false. */
  readonly alreadyRunning?: true;
}
export type Outcome = { readonly ok: true; readonly commit: () => number | undefined } | Refusal;
/** `result`: the new study or trial id for ops 0 and 4. */
export type Applied = { readonly ok: true; readonly result: number | undefined } | Refusal;

const refuse = (code: EngineError['code'], msg: string): Outcome => ({ ok: false, error: new EngineError(code, msg) });
const done = (commit: () => number | undefined): Outcome => ({ ok: true, commit });

function freeze<T>(x: T): T {
  return Object.freeze(x);
}

/** Builds an immutable FrozenTrial (records and arrays frozen; storages never hand out live state). */
export function makeFrozen(t: FrozenTrial): FrozenTrial {
  return freeze({
    ...t,
    values: t.values === null ? null : freeze([...t.values]),
    params: freeze({ ...t.params }),
    distributions: freeze({ ...t.distributions }),
    userAttrs: freeze({ ...t.userAttrs }),
    systemAttrs: freeze({ ...t.systemAttrs }),
    intermediateValues: new Map(t.intermediateValues),
  });
}

export class JournalReplay {
  readonly studies = new Map<number, ReplayStudy>();
  readonly trials: ReplayTrial[] = [];
  /** Number of ops consumed (the next readLogs(from) position). */
  opsRead = 0;
  private nextStudy = 0;
  private readonly distCache = new Map<string, Distribution>();

  /** Decodes a distribution JSON string (cached: a study repeats the same few strings). */
  decodeDistribution(json: string): Distribution {
    let d = this.distCache.get(json);
    if (d === undefined) {
      try {
        d = jsonToDistribution(json);
      } catch (e) {
        throw new EngineError('journal-format', `invalid distribution ${json}: ${errorMessage(e)}`);
      }
      rememberDistributionJson(d, json);
      this.distCache.set(json, d);
    }
    return d;
  }

  external(dist: Distribution, internal: number, name: string): ParamValue {
    if (
      dist.type === 'categorical' &&
      !(Number.isInteger(internal) && internal >= 0 && internal < dist.choices.length)
    ) {
      throw new EngineError(
        'journal-format',
        `param "${name}": categorical index ${internal} is not in 0..${dist.choices.length - 1}`,
      );
    }
    return toExternalRepr(dist, internal);
  }

  /** The id the next effective CREATE_STUDY will get. */
  get nextStudyId(): number {
    return this.nextStudy;
  }

  apply(op: JournalOp): Applied {
    const o = this.plan(op);
    this.opsRead++;
    return o.ok ? { ok: true, result: o.commit() } : o;
  }

  studyByName(name: string): ReplayStudy | undefined {
    for (const s of this.studies.values()) if (s.name === name) return s;
    return undefined;
  }

  plan(op: JournalOp): Outcome {
    switch (op.op_code) {
      case 0: {
        if (this.studyByName(op.study_name) !== undefined) {
          return refuse('duplicate', `Another study with name '${op.study_name}' already exists.`);
        }
        return done(() => {
          const studyId = this.nextStudy++;
          this.studies.set(studyId, {
            studyId,
            name: op.study_name,
            directions: freeze([...op.directions]),
            userAttrs: freeze({}),
            systemAttrs: freeze({}),
            trialIds: [],
            anchors: new Map(),
            aware: null,
          });
          return studyId;
        });
      }
      case 1:
      case 2:
      case 3: {
        const s = this.studies.get(op.study_id);
        if (s === undefined) return refuse('not-found', `study_id ${op.study_id} does not exist`);
        if (op.op_code === 1) return done(() => void this.studies.delete(op.study_id));
        if (op.op_code === 2) return done(() => void (s.userAttrs = freeze({ ...s.userAttrs, ...op.user_attr })));
        return done(() => void (s.systemAttrs = freeze({ ...s.systemAttrs, ...op.system_attr })));
      }
      case 4:
        return this.planCreateTrial(op);
      default:
        return this.planTrialOp(op);
    }
  }

  private planCreateTrial(op: CreateTrialOp): Outcome {
    const s = this.studies.get(op.study_id);
    if (s === undefined) return refuse('not-found', `study_id ${op.study_id} does not exist`);
    // Decode before committing so a malformed template changes nothing.
    const distributions: Record<string, Distribution> = {};
    for (const [k, j] of Object.entries(op.distributions ?? {})) distributions[k] = this.decodeDistribution(j);
    const params: Record<string, ParamValue> = {};
    for (const [k, x] of Object.entries(op.params ?? {})) {
      const d = distributions[k];
      if (d === undefined) throw new EngineError('journal-format', `param "${k}" has no distribution`);
      params[k] = this.external(d, x, k);
    }
    const values = op.values ?? (op.value === undefined || op.value === null ? null : [op.value]);
    const iv = new Map<number, number>();
    for (const [k, v] of Object.entries(op.intermediate_values ?? {})) iv.set(Number.parseInt(k, 10), v);
    return done(() => {
      const trialId = this.trials.length;
      const number = s.trialIds.length;
      const frozen = makeFrozen({
        number,
        trialId,
        state: op.state ?? TrialState.RUNNING,
        values,
        datetimeStart: op.datetime_start,
        datetimeComplete: op.datetime_complete ?? null,
        params,
        distributions,
        userAttrs: op.user_attrs ?? {},
        systemAttrs: op.system_attrs ?? {},
        intermediateValues: iv,
      });
      const owner = frozen.state === TrialState.RUNNING ? op.worker_id : null;
      this.trials.push({ studyId: op.study_id, frozen, paramsInternal: freeze({ ...(op.params ?? {}) }), owner });
      s.trialIds.push(trialId);
      for (const [k, d] of Object.entries(distributions)) if (k in params) this.anchor(s, k, number, d);
      this.noteDatetime(s, op.datetime_start ?? op.datetime_complete ?? null);
      return trialId;
    });
  }

  private anchor(s: ReplayStudy, name: string, number: number, dist: Distribution): void {
    const a = s.anchors.get(name);
    if (a === undefined || a.number > number) s.anchors.set(name, { number, dist });
  }

  private noteDatetime(s: ReplayStudy | undefined, dt: IsoDateTime | null): void {
    if (s !== undefined && s.aware === null && dt !== null) s.aware = isAware(dt);
  }

  private planTrialOp(op: TrialOp): Outcome {
    const t = this.trials[op.trial_id];
    if (t === undefined) return refuse('not-found', `trial_id ${op.trial_id} does not exist`);
    if (isFinished(t.frozen.state)) {
      return refuse('trial-finished', `Trial#${t.frozen.number} has already finished and can not be updated.`);
    }
    const update = (patch: Partial<FrozenTrial>): void => {
      t.frozen = makeFrozen({ ...t.frozen, ...patch });
    };
    switch (op.op_code) {
      case 5:
        return this.planParam(op, t);
      case 6:
        return this.planState(op, t, update);
      case 7:
        return done(() => {
          const iv = new Map(t.frozen.intermediateValues);
          iv.set(op.step, op.intermediate_value);
          update({ intermediateValues: iv });
          return undefined;
        });
      case 8:
        return done(() => void update({ userAttrs: { ...t.frozen.userAttrs, ...op.user_attr } }));
      case 9:
        return done(() => void update({ systemAttrs: { ...t.frozen.systemAttrs, ...op.system_attr } }));
    }
  }

  private planParam(op: SetTrialParamOp, t: ReplayTrial): Outcome {
    const dist = this.decodeDistribution(op.distribution);
    const external = this.external(dist, op.param_value_internal, op.param_name);
    const s = this.studies.get(t.studyId);
    const anchor = s?.anchors.get(op.param_name);
    if (anchor !== undefined) {
      try {
        checkDistributionCompatibility(anchor.dist, dist);
      } catch (e) {
        if (e instanceof EngineError) return { ok: false, error: e };
        throw e;
      }
    }
    return done(() => {
      t.frozen = makeFrozen({
        ...t.frozen,
        params: { ...t.frozen.params, [op.param_name]: external },
        distributions: { ...t.frozen.distributions, [op.param_name]: dist },
      });
      t.paramsInternal = freeze({ ...t.paramsInternal, [op.param_name]: op.param_value_internal });
      if (s !== undefined) this.anchor(s, op.param_name, t.frozen.number, dist);
      return undefined;
    });
  }

  private planState(op: SetTrialStateValuesOp, t: ReplayTrial, update: (p: Partial<FrozenTrial>) => void): Outcome {
    if (op.state === TrialState.RUNNING && t.frozen.state === TrialState.RUNNING) {
      const error = new EngineError(
        'invalid-argument',
        `Trial#${t.frozen.number} is already RUNNING (another worker popped it).`,
      );
      return { ok: false, error, alreadyRunning: true };
    }
    return done(() => {
      const patch: { -readonly [K in keyof FrozenTrial]?: FrozenTrial[K] } = { state: op.state };
      if (op.state === TrialState.RUNNING && op.datetime_start !== undefined) patch.datetimeStart = op.datetime_start;
      if (isFinished(op.state) && op.datetime_complete !== undefined) patch.datetimeComplete = op.datetime_complete;
      if (op.values !== null) patch.values = op.values;
      update(patch);
      t.owner = op.state === TrialState.RUNNING ? op.worker_id : null;
      this.noteDatetime(this.studies.get(t.studyId), op.datetime_start ?? op.datetime_complete ?? null);
      return undefined;
    });
  }
}
