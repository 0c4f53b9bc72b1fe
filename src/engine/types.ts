/**
 * Core value types of the study engine, shared by every other engine module, the storages and the UI.
 * Mirrors optuna/distributions.py, optuna/trial/_state.py and optuna/trial/_frozen.py (v4.9) in spirit;
 * see docs/design/study-engine.md#distributions, docs/design/study-engine.md#trials-and-studies. Pure data: no DOM, Svelte, tfjs or IndexedDB.
 */

/** Any value that survives JSON (user and system attributes, categorical choices). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A categorical choice as Optuna allows it: None, bool, int, float or str. */
export type CategoricalChoice = null | boolean | number | string;

/** An external (user-facing) parameter value. Float/Int values are numbers; categoricals are choices. */
export type ParamValue = CategoricalChoice;

export interface FloatDistribution {
  readonly type: 'float';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** null = continuous. */
  readonly step: number | null;
}

export interface IntDistribution {
  readonly type: 'int';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly step: number;
}

export interface CategoricalDistribution {
  readonly type: 'categorical';
  readonly choices: readonly CategoricalChoice[];
}

/** Discriminated union tagged by `type`; constructed and validated only through engine/distributions.ts. */
export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

/** Optuna's TrialState numbering, which is also what the journal file stores. */
export const TrialState = {
  RUNNING: 0,
  COMPLETE: 1,
  PRUNED: 2,
  FAIL: 3,
  WAITING: 4,
} as const;
export type TrialState = (typeof TrialState)[keyof typeof TrialState];

export const TRIAL_STATE_NAMES: Readonly<Record<TrialState, string>> = {
  0: 'RUNNING',
  1: 'COMPLETE',
  2: 'PRUNED',
  3: 'FAIL',
  4: 'WAITING',
};

export function isFinished(state: TrialState): boolean {
  return state === TrialState.COMPLETE || state === TrialState.PRUNED || state === TrialState.FAIL;
}

/** Optuna's StudyDirection numbering (journal op 0 stores these ints). */
export const StudyDirection = { NOT_SET: 0, MINIMIZE: 1, MAXIMIZE: 2 } as const;
export type StudyDirection = (typeof StudyDirection)[keyof typeof StudyDirection];

/**
 * Datetimes are kept as the strings Optuna writes: naive local ISO time with microseconds,
 * `YYYY-MM-DDTHH:MM:SS.ffffff` (or with "+00:00" when imported from Optuna ≥ 5). Keeping the string
 * makes journal round trips exact; engine/datetime.ts converts to and from Date.
 */
export type IsoDateTime = string;

/**
 * Immutable snapshot of a trial (optuna.trial.FrozenTrial). Storages return fresh snapshots that are
 * never updated afterwards.
 */
export interface FrozenTrial {
  /** Index of the trial within its study (0-based). */
  readonly number: number;
  /** Storage-wide id (journal: count of CREATE_TRIAL ops across all studies). */
  readonly trialId: number;
  readonly state: TrialState;
  /** Objective values; null unless COMPLETE (or PRUNED with a last intermediate value). */
  readonly values: readonly number[] | null;
  readonly datetimeStart: IsoDateTime | null;
  readonly datetimeComplete: IsoDateTime | null;
  /** External representation (what suggest* returned). */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  /** step → value. NaN and ±Infinity are legal values. */
  readonly intermediateValues: ReadonlyMap<number, number>;
}

/** Convenience: the single objective value, or null. */
export function trialValue(t: FrozenTrial): number | null {
  return t.values?.[0] ?? null;
}

export interface StudySummary {
  readonly studyId: number;
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  readonly nTrials: number;
  readonly datetimeStart: IsoDateTime | null;
}

/** Template for createNewTrial (journal op 4 with a template; enqueue, copy and import use it). */
export interface TrialTemplate {
  readonly state?: TrialState;
  readonly values?: readonly number[] | null;
  readonly datetimeStart?: IsoDateTime | null;
  readonly datetimeComplete?: IsoDateTime | null;
  /** Internal representation, keyed like `distributions`. */
  readonly paramsInternal?: Readonly<Record<string, number>>;
  readonly distributions?: Readonly<Record<string, Distribution>>;
  readonly userAttrs?: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs?: Readonly<Record<string, JsonValue>>;
  readonly intermediateValues?: ReadonlyMap<number, number>;
}

/** Errors raised by the engine carry a code so the UI can tell bad input from bugs. */
export class EngineError extends Error {
  constructor(
    readonly code:
      | 'invalid-distribution'
      | 'invalid-argument'
      | 'not-found'
      | 'duplicate'
      | 'trial-finished'
      | 'no-completed-trials'
      /** Optuna's RuntimeError / NotImplementedError for calls a multi-objective study does not support. */
      | 'multi-objective'
      | 'storage'
      | 'journal-format',
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
