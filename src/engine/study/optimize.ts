/**
 * The optimize loop (optuna/study/_optimize.py, v4.9, sequential): before each trial check the stop
 * flag, the abort signal, n_trials and the timeout (a running trial is never interrupted by them);
 * run ask → objective → tell; run the callbacks.
 *
 * Outcomes: `TrialPruned` → PRUNED (value = last intermediate value unless NaN); any other thrown
 * value → FAIL with its message recorded (recordFailReason), re-thrown unless `catch` accepts it; NaN or a
 * non-number (or, with several objectives, a list of the wrong length) → FAIL with a warning; ±Infinity → COMPLETE. If the AbortSignal fires during a trial
 * (the objective sees it as `trial.signal`), the trial ends FAIL unless the objective threw
 * `TrialPruned`, and the loop ends without throwing.
 */
import { TrialPruned } from '../trial/frozen.ts';
import type { Trial } from '../trial/trial.ts';
import type { Storage } from '../storages/storage.ts';
import { pyRepr } from '../py-format.ts';
import { TrialState, type FrozenTrial } from '../types.ts';
import { warn } from '../warnings.ts';
import { failReasonOf, type InternalTellOptions } from './tell.ts';

/** One value, or one per objective in a multi-objective study. */
export type Objective = (trial: Trial) => Promise<number | readonly number[]> | number | readonly number[];

/**
 * What the loop needs of a study. `Study` implements it; naming the two methods here instead of
 * importing study.ts keeps the dependency one-way (study.ts → optimize.ts).
 */
export interface OptimizeHost {
  readonly studyId: number;
  readonly storage: Storage;
  askWithSignal(signal: AbortSignal | undefined): Promise<Trial>;
  tellInternal(trial: Trial, value: unknown, state: TrialState | null, opts: InternalTellOptions): Promise<FrozenTrial>;
}

/** `S` is the study the callbacks receive (`Study` for `Study.optimize`). */
export interface OptimizeOptions<S extends OptimizeHost = OptimizeHost> {
  nTrials?: number;
  /** Seconds; checked before each trial. */
  timeout?: number;
  /** Returns true for errors that should fail the trial without stopping the loop. */
  catch?: (err: unknown) => boolean;
  callbacks?: ((study: S, trial: FrozenTrial) => void | Promise<void>)[];
  signal?: AbortSignal;
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message === '' ? e.name : e.message;
  return String(e);
}

function abortText(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r === undefined ? 'The operation was aborted.' : errorText(r);
}

/** Runs one trial; returns its final snapshot or throws the objective's uncaught error. */
async function runTrial(
  study: OptimizeHost,
  objective: Objective,
  catchFn: ((err: unknown) => boolean) | undefined,
  signal: AbortSignal | undefined,
): Promise<FrozenTrial> {
  const trial = await study.askWithSignal(signal);
  let state: TrialState | null = null;
  let value: unknown;
  let thrown = false;
  let error: unknown;
  try {
    value = await objective(trial);
  } catch (e) {
    thrown = true;
    error = e;
    state = e instanceof TrialPruned ? TrialState.PRUNED : TrialState.FAIL;
  }
  let failReason: string | undefined;
  const aborted = signal?.aborted === true && state !== TrialState.PRUNED;
  if (aborted) {
    state = TrialState.FAIL;
    value = undefined;
    failReason = `Aborted: ${thrown ? errorText(error) : abortText(signal as AbortSignal)}`;
  } else if (state === TrialState.FAIL) {
    failReason = errorText(error);
  }
  const frozen = await study.tellInternal(trial, state === null ? value : undefined, state, {
    suppressWarning: true,
    failReason,
  });
  if (frozen.state === TrialState.FAIL) {
    const reason = failReasonOf(frozen, await study.storage.getStudySystemAttrs(study.studyId));
    warn(
      `Trial ${frozen.number} failed with parameters: ${pyRepr(frozen.params)} because of the following error: ` +
        `${typeof reason === 'string' ? reason : 'unknown'}.`,
    );
    if (thrown && !aborted && !(catchFn?.(error) ?? false)) throw error;
  }
  return frozen;
}

export async function optimizeLoop<S extends OptimizeHost>(
  study: S,
  objective: Objective,
  opts: OptimizeOptions<S>,
  shouldStop: () => boolean,
): Promise<void> {
  const { nTrials, timeout, signal } = opts;
  const started = performance.now();
  let i = 0;
  for (;;) {
    if (shouldStop() || signal?.aborted === true) break;
    if (nTrials !== undefined) {
      if (i >= nTrials) break;
      i++;
    }
    if (timeout !== undefined && (performance.now() - started) / 1000 >= timeout) break;
    const frozen = await runTrial(study, objective, opts.catch, signal);
    for (const cb of opts.callbacks ?? []) await cb(study, frozen);
  }
}
