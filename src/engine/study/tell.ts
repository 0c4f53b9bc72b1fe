/**
 * `Study.tell` (optuna/study/_tell.py, v5.0): validates the (state, value) pair, lets the sampler see
 * the finished trial (`afterTrial`), and writes the final state. A failure reason, when there is
 * one, is kept as the app's own metadata: a study system attribute per trial number (see
 * FAIL_REASON_PREFIX), not a trial attribute, because neither Optuna 3.1 nor 4.9 writes a trial's fail
 * reason anywhere and an unknown trial attribute shows up as a column in Optuna's trials_dataframe.
 */
import { lastStep } from '../trial/frozen.ts';
import { Trial, type TrialHost } from '../trial/trial.ts';
import { pyFloatRepr, pyRepr } from '../py-format.ts';
import { StudyView } from './view.ts';
import { EngineError, isFinished, TRIAL_STATE_NAMES, TrialState, type FrozenTrial } from '../types.ts';
import { warn } from '../warnings.ts';

/** The trial system attribute older versions of the app wrote; still read, never written. */
export const FAIL_REASON_KEY = 'fail_reason';
/** Study system attribute `<prefix><trial number>` holding that trial's failure reason. */
export const FAIL_REASON_PREFIX = 'dmc_tune_fail_reason:';

/** Records why trial `number` of the study failed (before its state becomes final or after, either works). */
export function recordFailReason(
  storage: TrialHost['storage'],
  studyId: number,
  number: number,
  reason: string,
): Promise<void> {
  return storage.setStudySystemAttr(studyId, `${FAIL_REASON_PREFIX}${number}`, reason);
}

/** Why a trial failed: the app's study-level record, else the trial attribute of older journals. */
export function failReasonOf(t: FrozenTrial, studySystemAttrs: Readonly<Record<string, unknown>>): string | undefined {
  const r = studySystemAttrs[`${FAIL_REASON_PREFIX}${t.number}`] ?? t.systemAttrs[FAIL_REASON_KEY];
  return typeof r === 'string' ? r : undefined;
}

/**
 * The trials as readers show them: a FAIL trial's reason from the study attributes placed under
 * `fail_reason` in its systemAttrs. A view only, never written back; old journals that carry the
 * trial attribute read the same.
 */
export function withFailReasons(
  trials: readonly FrozenTrial[],
  studySystemAttrs: Readonly<Record<string, unknown>>,
): FrozenTrial[] {
  return trials.map((t) => {
    const r = studySystemAttrs[`${FAIL_REASON_PREFIX}${t.number}`];
    if (typeof r !== 'string' || t.systemAttrs[FAIL_REASON_KEY] === r) return t;
    return Object.freeze({ ...t, systemAttrs: Object.freeze({ ...t.systemAttrs, [FAIL_REASON_KEY]: r }) });
  });
}

export interface TellOptions {
  /** Return the stored trial unchanged instead of throwing when it is already finished. */
  skipIfFinished?: boolean;
}

export interface InternalTellOptions extends TellOptions {
  /** Optimize logs the failure itself instead of tell warning about it. */
  suppressWarning?: boolean;
  /** Recorded (recordFailReason) when the trial ends FAIL. */
  failReason?: string;
}

/** Python's `float(v)`: numbers and booleans. */
function castOne(v: unknown): { value: number } | { error: string } {
  if (typeof v === 'boolean') return { value: v ? 1 : 0 };
  if (typeof v !== 'number')
    return { error: `The value ${v === undefined ? 'None' : pyRepr(v)} could not be cast to float` };
  if (Number.isNaN(v)) return { error: `The value ${pyFloatRepr(v)} is not acceptable` };
  return { value: v };
}

/**
 * `_check_values_are_feasible`: every value castable and not NaN (all failures named, joined by "; "),
 * then one value per objective. A single number stands for a one-element list.
 */
function castValues(v: unknown, nObjectives: number): { values: number[] } | { error: string } {
  const list: unknown[] = Array.isArray(v) ? v : [v];
  const values: number[] = [];
  const errors: string[] = [];
  for (const x of list) {
    const c = castOne(x);
    if ('error' in c) errors.push(c.error);
    else values.push(c.value);
  }
  if (errors.length > 0) return { error: `${errors.join('; ')}.` };
  if (values.length !== nObjectives)
    return {
      error: `The number of the values ${values.length} did not match the number of the objectives ${nObjectives}.`,
    };
  return { values };
}

async function resolveTrial(host: TrialHost, trial: Trial | number): Promise<FrozenTrial> {
  if (trial instanceof Trial) return host.storage.getTrial(trial.trialId);
  if (!Number.isInteger(trial))
    throw new EngineError('invalid-argument', 'Trial must be a trial object or trial number.');
  let trialId: number;
  try {
    trialId = await host.storage.getTrialIdFromStudyIdTrialNumber(host.studyId, trial);
  } catch (e) {
    if (e instanceof EngineError && e.code === 'not-found') {
      throw new EngineError('not-found', `Cannot tell for trial with number ${trial} since it has not been created.`);
    }
    throw e;
  }
  return host.storage.getTrial(trialId);
}

export async function tellTrial(
  host: TrialHost,
  trial: Trial | number,
  value: unknown,
  state: TrialState | null | undefined,
  opts: InternalTellOptions = {},
): Promise<FrozenTrial> {
  const frozen = await resolveTrial(host, trial);
  if (isFinished(frozen.state) && opts.skipIfFinished === true) return frozen;
  if (frozen.state !== TrialState.RUNNING) {
    throw new EngineError('trial-finished', `Cannot tell a ${TRIAL_STATE_NAMES[frozen.state]} trial.`);
  }
  const hasValue = value !== undefined && value !== null;
  if (state === TrialState.COMPLETE && !hasValue) {
    throw new EngineError(
      'invalid-argument',
      'No values were told. Values are required when state is TrialState.COMPLETE.',
    );
  }
  if ((state === TrialState.PRUNED || state === TrialState.FAIL) && hasValue) {
    throw new EngineError(
      'invalid-argument',
      'Values were told. Values cannot be specified when state is TrialState.PRUNED or TrialState.FAIL.',
    );
  }
  if (state === TrialState.RUNNING || state === TrialState.WAITING) {
    throw new EngineError('invalid-argument', `Cannot tell with state TrialState.${TRIAL_STATE_NAMES[state]}.`);
  }

  let finalState: TrialState;
  let values: number[] | null = null;
  let failReason = opts.failReason;
  const nObjectives = host.directions.length;
  if (state === TrialState.COMPLETE) {
    const cast = castValues(value, nObjectives);
    if ('error' in cast) throw new EngineError('invalid-argument', cast.error);
    finalState = TrialState.COMPLETE;
    values = cast.values;
  } else if (state === TrialState.PRUNED) {
    finalState = TrialState.PRUNED;
    // A pruned trial keeps its last intermediate value when that value is acceptable (not NaN) and
    // the study has one objective (Optuna checks the one value against the number of objectives).
    const step = lastStep(frozen);
    if (step !== null && nObjectives === 1) {
      const last = frozen.intermediateValues.get(step) as number;
      if (!Number.isNaN(last)) values = [last];
    }
  } else if (state === TrialState.FAIL) {
    finalState = TrialState.FAIL;
  } else {
    const cast = hasValue ? castValues(value, nObjectives) : { error: 'The value None could not be cast to float.' };
    if ('error' in cast) {
      finalState = TrialState.FAIL;
      failReason ??= cast.error;
      if (opts.suppressWarning !== true) warn(cast.error);
    } else {
      finalState = TrialState.COMPLETE;
      values = cast.values;
    }
  }

  try {
    await host.sampler.afterTrial?.(new StudyView(host, false), frozen, finalState, values);
  } finally {
    if (finalState === TrialState.FAIL && failReason !== undefined) {
      await recordFailReason(host.storage, host.studyId, frozen.number, failReason);
    }
    await host.storage.setTrialStateValues(frozen.trialId, finalState, values);
  }
  return host.storage.getTrial(frozen.trialId);
}
