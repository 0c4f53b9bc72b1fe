/**
 * Study (optuna/study/study.py, v5.0): ask/tell, enqueue, best trial(s), optimize, for one objective
 * or several (`directions`). A multi-objective study has no single best trial or direction (those
 * throw, as Optuna's RuntimeError): its best trials are the Pareto front (`bestTrials`).
 * Construct through `createStudy` / `loadStudy` (create.ts).
 */
import type { Pruner } from '../pruners/pruner.ts';
import type { DirectionName, Sampler } from '../samplers/sampler.ts';
import type { Storage } from '../storages/storage.ts';
import { Trial, type TrialHost } from '../trial/trial.ts';
import {
  EngineError,
  TrialState,
  type Distribution,
  type FrozenTrial,
  type JsonValue,
  type ParamValue,
  type TrialTemplate,
} from '../types.ts';
import { isFeasible, trialConstraints } from '../trial/frozen.ts';
import { paretoFrontTrials } from '../multi-objective/pareto.ts';
import { singleDirection } from './view.ts';
import { optimizeLoop, type Objective, type OptimizeOptions } from './optimize.ts';
import { tellTrial, type InternalTellOptions, type TellOptions } from './tell.ts';

/** `system_attrs` key of constraint values (≤ 0 feasible): the old list, and 5.0's "constraints:<name>". */
export { CONSTRAINTS_KEY } from '../trial/frozen.ts';

/**
 * Makes the oldest WAITING trial RUNNING and returns its id, or null when none is left. Between
 * listing and popping, another worker may pop a trial (the storage returns false) or pop and finish
 * it (the storage throws 'trial-finished', as Optuna's storages do); either way the trial is theirs,
 * so this moves on to the next one instead of failing the ask.
 */
export async function popWaitingTrial(storage: Storage, studyId: number): Promise<number | null> {
  for (const t of await storage.getAllTrials(studyId, [TrialState.WAITING])) {
    try {
      if (await storage.setTrialStateValues(t.trialId, TrialState.RUNNING)) return t.trialId;
    } catch (e) {
      if (!(e instanceof EngineError && e.code === 'trial-finished')) throw e;
    }
  }
  return null;
}

export class Study implements TrialHost {
  private stopFlag = false;
  private inOptimize = false;

  constructor(
    readonly studyId: number,
    readonly studyName: string,
    readonly directions: readonly DirectionName[],
    readonly storage: Storage,
    readonly sampler: Sampler,
    readonly pruner: Pruner,
  ) {}

  /** The objective's direction; throws (EngineError 'multi-objective') in a multi-objective study. */
  get direction(): DirectionName {
    return singleDirection(this.directions);
  }

  get isMultiObjective(): boolean {
    return this.directions.length > 1;
  }

  /**
   * Starts a trial: pops the oldest WAITING trial (enqueued, with `fixed_params`) or creates a
   * RUNNING one, then suggests every `fixedDistributions` entry.
   */
  async ask(fixedDistributions: Readonly<Record<string, Distribution>> = {}): Promise<Trial> {
    const trial = await this.askWithSignal(undefined);
    for (const [name, d] of Object.entries(fixedDistributions)) await trial.suggest(name, d);
    return trial;
  }

  /** @internal ask() for optimize: the trial carries the run's AbortSignal. */
  async askWithSignal(signal: AbortSignal | undefined): Promise<Trial> {
    const trialId =
      (await popWaitingTrial(this.storage, this.studyId)) ?? (await this.storage.createNewTrial(this.studyId));
    return Trial.open(this, trialId, signal);
  }

  /**
   * Finishes a RUNNING trial. state omitted: COMPLETE when `value` is a number (±Infinity included) or,
   * in a multi-objective study, one number per objective; otherwise FAIL with a warning. COMPLETE needs
   * values; PRUNED and FAIL take none (PRUNED keeps the last intermediate value in a single-objective
   * study). Telling a finished trial throws unless `skipIfFinished`.
   */
  tell(
    trial: Trial | number,
    value?: number | readonly number[] | null,
    state?: TrialState,
    opts: TellOptions = {},
  ): Promise<FrozenTrial> {
    return tellTrial(this, trial, value, state, opts);
  }

  /** @internal tell() with optimize's extras. */
  tellInternal(
    trial: Trial,
    value: unknown,
    state: TrialState | null,
    opts: InternalTellOptions,
  ): Promise<FrozenTrial> {
    return tellTrial(this, trial, value, state, opts);
  }

  async optimize(objective: Objective, opts: OptimizeOptions<Study> = {}): Promise<void> {
    if (this.inOptimize) throw new EngineError('invalid-argument', 'Nested optimization is not supported.');
    if (opts.nTrials !== undefined && !(Number.isInteger(opts.nTrials) && opts.nTrials >= 0)) {
      throw new EngineError('invalid-argument', `nTrials must be a non-negative integer, but got ${opts.nTrials}.`);
    }
    if (opts.timeout !== undefined && !(opts.timeout >= 0)) {
      throw new EngineError(
        'invalid-argument',
        `timeout must be a non-negative number of seconds, but got ${opts.timeout}.`,
      );
    }
    this.inOptimize = true;
    this.stopFlag = false;
    try {
      await optimizeLoop(this, objective, opts, () => this.stopFlag);
    } finally {
      this.inOptimize = false;
    }
  }

  /** Ends `optimize` after the current trial; only valid inside an objective or a callback. */
  stop(): void {
    if (!this.inOptimize) {
      throw new EngineError(
        'invalid-argument',
        '`Study.stop` is supposed to be invoked inside an objective function or a callback.',
      );
    }
    this.stopFlag = true;
  }

  /**
   * Queues a WAITING trial whose suggest calls return `params` (validated when suggested;
   * out-of-range values only warn). With `skipIfExists`, nothing is queued when a trial with the
   * same parameters (enqueued or sampled) exists.
   */
  async enqueueTrial(
    params: Readonly<Record<string, ParamValue>>,
    userAttrs: Readonly<Record<string, JsonValue>> = {},
    opts: { skipIfExists?: boolean } = {},
  ): Promise<void> {
    if (opts.skipIfExists === true && (await this.hasTrialWithParams(params))) return;
    await this.storage.createNewTrial(this.studyId, {
      state: TrialState.WAITING,
      systemAttrs: { fixed_params: { ...params } },
      userAttrs: { ...userAttrs },
    });
  }

  /** Adds a finished (or WAITING) trial, e.g. one copied from another study (`Study.add_trial`). */
  async addTrial(template: TrialTemplate): Promise<number> {
    return this.storage.createNewTrial(this.studyId, template);
  }

  getTrials(states?: readonly TrialState[]): Promise<FrozenTrial[]> {
    return this.storage.getAllTrials(this.studyId, states);
  }

  /**
   * The COMPLETE trial with the lowest (highest when maximizing) value, ties → lowest number. When
   * that trial violates its `constraints` system attribute, the best feasible trial instead.
   * Multi-objective studies throw (use `bestTrials`).
   */
  async bestTrial(): Promise<FrozenTrial> {
    if (this.isMultiObjective) {
      throw new EngineError(
        'multi-objective',
        'A single best trial cannot be retrieved from a multi-objective study. Consider using Study.best_trials to retrieve a list containing the best trials.',
      );
    }
    const complete = await this.getTrials([TrialState.COMPLETE]);
    const best = this.pickBest(complete);
    if (best === null) throw new EngineError('no-completed-trials', 'No trials are completed yet.');
    if (!isFeasible(best)) {
      const feasible = this.pickBest(complete.filter(isFeasible));
      if (feasible === null) throw new EngineError('no-completed-trials', 'No feasible trials are completed yet.');
      return feasible;
    }
    return best;
  }

  /**
   * `Study.best_trials`: the Pareto-optimal COMPLETE trials in number order; when any trial of the
   * study has constraints, among the feasible ones only (none feasible: an empty list).
   */
  async bestTrials(): Promise<FrozenTrial[]> {
    const trials = await this.getTrials();
    const constrained = trials.some((t) => Object.keys(trialConstraints(t)).length > 0);
    return paretoFrontTrials(trials, this.directions, constrained);
  }

  async bestValue(): Promise<number> {
    return (await this.bestTrial()).values?.[0] as number;
  }

  async bestParams(): Promise<Readonly<Record<string, ParamValue>>> {
    return (await this.bestTrial()).params;
  }

  async setUserAttr(key: string, value: JsonValue): Promise<void> {
    await this.storage.setStudyUserAttr(this.studyId, key, value);
  }

  getUserAttrs(): Promise<Record<string, JsonValue>> {
    return this.storage.getStudyUserAttrs(this.studyId);
  }

  getSystemAttrs(): Promise<Record<string, JsonValue>> {
    return this.storage.getStudySystemAttrs(this.studyId);
  }

  private pickBest(trials: readonly FrozenTrial[]): FrozenTrial | null {
    let best: FrozenTrial | null = null;
    let bestValue = 0;
    const max = this.direction === 'maximize';
    for (const t of trials) {
      const v = t.values?.[0];
      if (v === undefined) continue;
      if (best === null || (max ? v > bestValue : v < bestValue)) {
        best = t;
        bestValue = v;
      }
    }
    return best;
  }

  private async hasTrialWithParams(params: Readonly<Record<string, ParamValue>>): Promise<boolean> {
    const keys = Object.keys(params).sort().join('\u0000');
    for (const t of await this.getTrials()) {
      const fixed = t.systemAttrs['fixed_params'];
      const existing = (
        fixed !== null && typeof fixed === 'object' && !Array.isArray(fixed) ? fixed : t.params
      ) as Record<string, JsonValue>;
      if (Object.keys(existing).sort().join('\u0000') !== keys) continue;
      if (Object.entries(params).every(([k, v]) => sameEnqueuedValue(v, existing[k]))) return true;
    }
    return false;
  }
}

/** `_should_skip_enqueue`'s comparison: numbers with np.isclose(rtol=1e-5, atol=0) or NaN, others by ==. */
function sameEnqueuedValue(v: ParamValue, existing: JsonValue | undefined): boolean {
  if (typeof v === 'number') {
    if (typeof existing !== 'number') return false;
    return Number.isNaN(v) || Math.abs(v - existing) <= 1e-5 * Math.abs(existing);
  }
  return v === existing;
}
