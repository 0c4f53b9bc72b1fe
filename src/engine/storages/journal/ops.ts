/**
 * Journal operations as Optuna's JournalStorage writes them (optuna/storages/journal/_storage.py,
 * docs/design/study-engine.md#journal-storage). Field names keep the file's snake_case so one op object is one JSON line.
 * Distributions stay JSON strings, exactly as stored, and are decoded during replay.
 */
import type { IsoDateTime, JsonValue, StudyDirection, TrialState } from '../../types.ts';

export const JournalOpCode = {
  CREATE_STUDY: 0,
  DELETE_STUDY: 1,
  SET_STUDY_USER_ATTR: 2,
  SET_STUDY_SYSTEM_ATTR: 3,
  CREATE_TRIAL: 4,
  SET_TRIAL_PARAM: 5,
  SET_TRIAL_STATE_VALUES: 6,
  SET_TRIAL_INTERMEDIATE_VALUE: 7,
  SET_TRIAL_USER_ATTR: 8,
  SET_TRIAL_SYSTEM_ATTR: 9,
} as const;
export type JournalOpCode = (typeof JournalOpCode)[keyof typeof JournalOpCode];

interface OpBase {
  /** Any string; replay only compares it with the reader's own id (own ops raise, others' are skipped). */
  readonly worker_id: string;
}

export interface CreateStudyOp extends OpBase {
  readonly op_code: 0;
  readonly study_name: string;
  readonly directions: readonly StudyDirection[];
}
export interface DeleteStudyOp extends OpBase {
  readonly op_code: 1;
  readonly study_id: number;
}
export interface SetStudyUserAttrOp extends OpBase {
  readonly op_code: 2;
  readonly study_id: number;
  /** Exactly one key (Optuna asserts it). */
  readonly user_attr: Readonly<Record<string, JsonValue>>;
}
export interface SetStudySystemAttrOp extends OpBase {
  readonly op_code: 3;
  readonly study_id: number;
  readonly system_attr: Readonly<Record<string, JsonValue>>;
}
/** Without `state` the op creates a RUNNING trial; with it, the remaining fields form a template. */
export interface CreateTrialOp extends OpBase {
  readonly op_code: 4;
  readonly study_id: number;
  readonly datetime_start: IsoDateTime | null;
  readonly state?: TrialState;
  readonly value?: number | null;
  readonly values?: readonly number[] | null;
  /** Present only when set: Optuna parses the key unconditionally if it exists. */
  readonly datetime_complete?: IsoDateTime;
  /** name → distribution JSON string. */
  readonly distributions?: Readonly<Record<string, string>>;
  /** name → internal representation (categorical: index). */
  readonly params?: Readonly<Record<string, number>>;
  readonly user_attrs?: Readonly<Record<string, JsonValue>>;
  readonly system_attrs?: Readonly<Record<string, JsonValue>>;
  /** "step" (decimal string) → value. */
  readonly intermediate_values?: Readonly<Record<string, number>>;
}
export interface SetTrialParamOp extends OpBase {
  readonly op_code: 5;
  readonly trial_id: number;
  readonly param_name: string;
  readonly param_value_internal: number;
  readonly distribution: string;
}
export interface SetTrialStateValuesOp extends OpBase {
  readonly op_code: 6;
  readonly trial_id: number;
  readonly state: TrialState;
  readonly values: readonly number[] | null;
  /** Present when state is RUNNING. */
  readonly datetime_start?: IsoDateTime;
  /** Present when state is finished. */
  readonly datetime_complete?: IsoDateTime;
}
export interface SetTrialIntermediateValueOp extends OpBase {
  readonly op_code: 7;
  readonly trial_id: number;
  readonly step: number;
  readonly intermediate_value: number;
}
export interface SetTrialUserAttrOp extends OpBase {
  readonly op_code: 8;
  readonly trial_id: number;
  readonly user_attr: Readonly<Record<string, JsonValue>>;
}
export interface SetTrialSystemAttrOp extends OpBase {
  readonly op_code: 9;
  readonly trial_id: number;
  readonly system_attr: Readonly<Record<string, JsonValue>>;
}

export type JournalOp =
  | CreateStudyOp
  | DeleteStudyOp
  | SetStudyUserAttrOp
  | SetStudySystemAttrOp
  | CreateTrialOp
  | SetTrialParamOp
  | SetTrialStateValuesOp
  | SetTrialIntermediateValueOp
  | SetTrialUserAttrOp
  | SetTrialSystemAttrOp;

/** Ops that address a trial by id (5–9). */
export type TrialOp =
  SetTrialParamOp | SetTrialStateValuesOp | SetTrialIntermediateValueOp | SetTrialUserAttrOp | SetTrialSystemAttrOp;

export function isTrialOp(op: JournalOp): op is TrialOp {
  return op.op_code >= 5;
}

/** Ops that address a study by id (1–4). */
export type StudyOp = DeleteStudyOp | SetStudyUserAttrOp | SetStudySystemAttrOp | CreateTrialOp;

export function isStudyOp(op: JournalOp): op is StudyOp {
  return op.op_code >= 1 && op.op_code <= 4;
}
