/**
 * A live trial (optuna/trial/_trial.py, v4.9): suggest*, report, shouldPrune and user attributes.
 *
 * Repeated names within one trial return the first value, after Optuna's compatibility check
 * (different kind, log flag or choices throw; a different range or step only warns). Values come,
 * in this order, from the enqueued `fixed_params`, the single-value short-cut, the sampler's
 * relative sample, or the sampler's independent sample; they are validated by `toInternalRepr`
 * before being stored. Suggest calls on one trial are serialised so that concurrent calls cannot
 * sample the same name twice.
 */
import {
  categoricalDistribution,
  checkDistributionCompatibility,
  contains,
  distributionAsDictRepr,
  distributionRepr,
  distributionsEqual,
  floatDistribution,
  intDistribution,
  isSingle,
  singleValue,
  toInternalRepr,
  type NumericOptions,
} from '../distributions.ts';
import type { Pruner } from '../pruners/pruner.ts';
import type { Sampler } from '../samplers/sampler.ts';
import { StudyView, type StudyHandle } from '../study/view.ts';
import { pyRepr } from '../py-format.ts';
import {
  EngineError,
  type CategoricalChoice,
  type Distribution,
  type FrozenTrial,
  type JsonValue,
  type ParamValue,
} from '../types.ts';
import { warn } from '../warnings.ts';
import { CONSTRAINTS_KEY, trialConstraints } from './frozen.ts';

/** What a trial needs from its study. */
export interface TrialHost extends StudyHandle {
  readonly sampler: Sampler;
  readonly pruner: Pruner;
}

const NEVER_ABORTED = (): AbortSignal => new AbortController().signal;

export class Trial {
  /** Cancellation of the surrounding `optimize` run (never aborted for trials from `ask`). */
  readonly signal: AbortSignal;
  private snapshot: FrozenTrial;
  private readonly view: StudyView;
  private relativeSearchSpace: Readonly<Record<string, Distribution>> = {};
  private relativeParams: Record<string, ParamValue> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly host: TrialHost,
    frozen: FrozenTrial,
    signal: AbortSignal | undefined,
  ) {
    this.snapshot = frozen;
    this.view = new StudyView(host, true);
    this.signal = signal ?? NEVER_ABORTED();
  }

  /** Opens trial `trialId` (already RUNNING in storage): sampler.beforeTrial, then the relative search space. */
  static async open(host: TrialHost, trialId: number, signal?: AbortSignal): Promise<Trial> {
    const trial = new Trial(host, await host.storage.getTrial(trialId), signal);
    await host.sampler.beforeTrial?.(trial.view, trial.snapshot);
    trial.relativeSearchSpace = await host.sampler.inferRelativeSearchSpace(trial.view, trial.snapshot);
    return trial;
  }

  get number(): number {
    return this.snapshot.number;
  }

  get trialId(): number {
    return this.snapshot.trialId;
  }

  get studyId(): number {
    return this.host.studyId;
  }

  /** External values suggested so far. */
  get params(): Readonly<Record<string, ParamValue>> {
    return this.snapshot.params;
  }

  get distributions(): Readonly<Record<string, Distribution>> {
    return this.snapshot.distributions;
  }

  get userAttrs(): Readonly<Record<string, JsonValue>> {
    return this.snapshot.userAttrs;
  }

  get systemAttrs(): Readonly<Record<string, JsonValue>> {
    return this.snapshot.systemAttrs;
  }

  get intermediateValues(): ReadonlyMap<number, number> {
    return this.snapshot.intermediateValues;
  }

  get datetimeStart(): string | null {
    return this.snapshot.datetimeStart;
  }

  /** This trial as the storage last told us, plus our own writes. */
  get frozen(): FrozenTrial {
    return this.snapshot;
  }

  async suggestFloat(name: string, low: number, high: number, opts: NumericOptions = {}): Promise<number> {
    const d = floatDistribution(low, high, opts);
    const v = await this.suggest(name, d);
    this.checkDistribution(name, d);
    return v as number;
  }

  async suggestInt(name: string, low: number, high: number, opts: NumericOptions = {}): Promise<number> {
    const d = intDistribution(low, high, opts);
    const v = await this.suggest(name, d);
    this.checkDistribution(name, d);
    return Math.trunc(v as number);
  }

  async suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): Promise<T> {
    return (await this.suggest(name, categoricalDistribution(choices))) as T;
  }

  /** `Trial._suggest` for any distribution (used by `Study.ask(fixedDistributions)`). */
  suggest(name: string, distribution: Distribution): Promise<ParamValue> {
    const run = this.queue.then(() => this.suggestNow(name, distribution));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Reports an intermediate objective value at `step` (an integer ≥ 0). A step reported before is
   * ignored with a warning, as in Optuna. Multi-objective studies cannot report (nor prune).
   */
  async report(value: number, step: number): Promise<void> {
    if (this.host.directions.length > 1)
      throw new EngineError('multi-objective', 'Trial.report is not supported for multi-objective optimization.');
    if (typeof value !== 'number' && typeof value !== 'boolean') {
      throw new EngineError(
        'invalid-argument',
        `The \`value\` argument is of type '${typeof value}' but supposed to be a float.`,
      );
    }
    if (typeof step !== 'number') {
      throw new EngineError(
        'invalid-argument',
        `The \`step\` argument is of type '${typeof step}' but supposed to be an int.`,
      );
    }
    if (!Number.isFinite(step))
      throw new EngineError('invalid-argument', `The \`step\` argument is ${pyRepr(step)} but supposed to be an int.`);
    const s = Math.trunc(step);
    if (s < 0) throw new EngineError('invalid-argument', `The \`step\` argument is ${s} but cannot be negative.`);
    if (this.snapshot.intermediateValues.has(s)) {
      warn(`The reported value is ignored because this \`step\` ${s} is already reported.`);
      return;
    }
    const v = Number(value);
    await this.host.storage.setTrialIntermediateValue(this.trialId, s, v);
    const iv = new Map(this.snapshot.intermediateValues);
    iv.set(s, v);
    this.snapshot = { ...this.snapshot, intermediateValues: iv };
  }

  /** Asks the study's pruner whether to stop now; throw `TrialPruned` when true. */
  async shouldPrune(): Promise<boolean> {
    if (this.host.directions.length > 1)
      throw new EngineError('multi-objective', 'Trial.should_prune is not supported for multi-objective optimization.');
    const fresh = await this.host.storage.getTrial(this.trialId);
    return this.host.pruner.prune(new StudyView(this.host, false), fresh);
  }

  async setUserAttr(key: string, value: JsonValue): Promise<void> {
    await this.host.storage.setTrialUserAttr(this.trialId, key, value);
    this.snapshot = { ...this.snapshot, userAttrs: { ...this.snapshot.userAttrs, [key]: value } };
  }

  /** Constraint values by name (Optuna 5's `Trial.constraints`; trial/frozen.ts `trialConstraints`). */
  get constraints(): Record<string, number> {
    return trialConstraints(this.snapshot);
  }

  /**
   * Optuna 5's `Trial.set_constraint`: stored as system attr "constraints:<key>"; feasible when every
   * value is ≤ 0. A constraint already set is kept, with a warning, as Optuna does; NaN is refused.
   */
  async setConstraint(key: string, value: number): Promise<void> {
    if (typeof value !== 'number')
      throw new TypeError(`The \`value\` argument is of type '${typeof value}' but supposed to be a float.`);
    if (Number.isNaN(value))
      throw new EngineError(
        'invalid-argument',
        `Attempted to set a constraint for ${pyRepr(key)}, but NaN is not allowed.`,
      );
    const attr = `${CONSTRAINTS_KEY}:${key}`;
    const fresh = await this.host.storage.getTrial(this.trialId);
    if (attr in fresh.systemAttrs) {
      warn(`The constraint value is ignored because this constraint \`key=${pyRepr(key)}\` is already set.`);
      return;
    }
    await this.setSystemAttr(attr, value);
  }

  /** System attributes are for the engine and samplers (Optuna deprecated the public setter). */
  async setSystemAttr(key: string, value: JsonValue): Promise<void> {
    await this.host.storage.setTrialSystemAttr(this.trialId, key, value);
    this.snapshot = { ...this.snapshot, systemAttrs: { ...this.snapshot.systemAttrs, [key]: value } };
  }

  private async suggestNow(name: string, d: Distribution): Promise<ParamValue> {
    const known = this.snapshot.distributions[name];
    if (known !== undefined) {
      checkDistributionCompatibility(known, d);
      return this.snapshot.params[name] as ParamValue;
    }
    let value: ParamValue;
    if (this.isFixedParam(name, d)) {
      value = this.fixedParams()[name] as ParamValue;
    } else if (isSingle(d)) {
      value = singleValue(d);
    } else if (await this.isRelativeParam(name, d)) {
      value = (this.relativeParams as Record<string, ParamValue>)[name] as ParamValue;
    } else {
      value = await this.host.sampler.sampleIndependent(this.view, this.snapshot, name, d);
    }
    const internal = toInternalRepr(d, value);
    await this.host.storage.setTrialParam(this.trialId, name, internal, d);
    this.snapshot = {
      ...this.snapshot,
      params: { ...this.snapshot.params, [name]: value },
      distributions: { ...this.snapshot.distributions, [name]: d },
    };
    return value;
  }

  private fixedParams(): Record<string, JsonValue> {
    const fixed = this.snapshot.systemAttrs['fixed_params'];
    return fixed !== null && typeof fixed === 'object' && !Array.isArray(fixed) ? fixed : {};
  }

  private isFixedParam(name: string, d: Distribution): boolean {
    const fixed = this.fixedParams();
    if (!(name in fixed)) return false;
    const value = fixed[name];
    const internal = toInternalRepr(d, value);
    if (!contains(d, internal)) {
      warn(
        `Fixed parameter '${name}' with value ${pyRepr(value)} is out of range for distribution ${distributionRepr(d)}.`,
      );
    }
    return true;
  }

  private async isRelativeParam(name: string, d: Distribution): Promise<boolean> {
    this.relativeParams ??= await this.host.sampler.sampleRelative(this.view, this.snapshot, this.relativeSearchSpace);
    if (!(name in this.relativeParams)) return false;
    const space = this.relativeSearchSpace[name];
    if (space === undefined) {
      throw new EngineError(
        'invalid-argument',
        `The parameter '${name}' was sampled by \`sample_relative\` method but it is not contained in the relative search space.`,
      );
    }
    checkDistributionCompatibility(space, d);
    return contains(d, toInternalRepr(d, this.relativeParams[name]));
  }

  /** Optuna's `_check_distribution`: a repeated name with another range or step keeps the first one. */
  private checkDistribution(name: string, d: Distribution): void {
    const old = this.snapshot.distributions[name];
    if (old !== undefined && !distributionsEqual(old, d)) {
      warn(
        `Inconsistent parameter values for distribution with name "${name}"! This might be a configuration mistake. ` +
          'Optuna allows to call the same distribution with the same name more than once in a trial. ' +
          'When the parameter values are inconsistent optuna only uses the values of the first call and ignores all ' +
          `following. Using these values: ${distributionAsDictRepr(old)}`,
      );
    }
  }
}
